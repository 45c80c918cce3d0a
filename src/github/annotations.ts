import * as core from '../runtime/core.js';
import { levelOf, type Finding } from '../tools/scan/finding.js';
import type { Octokit } from './comment.js';

/** GitHub shows at most 10 annotations of each kind per step and 50 per job; the rest are dropped. */
export const STEP_ANNOTATIONS_PER_KIND = 10;
export const JOB_ANNOTATIONS = 50;
/** The Checks API takes at most 50 annotations per request. */
export const CHECK_ANNOTATION_BATCH = 50;

export interface AnnotationPlan {
  shown: Finding[];
  overflow: Finding[];
}

/** The most severe findings (input ranked) that GitHub will show as step annotations; the rest overflow. */
export function planAnnotations(ranked: readonly Finding[]): AnnotationPlan {
  const perKind: Record<string, number> = {};
  const shown: Finding[] = [];
  const overflow: Finding[] = [];
  for (const f of ranked) {
    const kind = levelOf(f);
    if ((perKind[kind] ?? 0) < STEP_ANNOTATIONS_PER_KIND && shown.length < JOB_ANNOTATIONS) {
      perKind[kind] = (perKind[kind] ?? 0) + 1;
      shown.push(f);
    } else {
      overflow.push(f);
    }
  }
  return { shown, overflow };
}

function title(f: Finding): string {
  return `${f.tool} ${f.rule} (${f.severity})`;
}

/** Writes the planned findings as workflow-command annotations on their file and line. */
export function emitAnnotations(shown: readonly Finding[]): void {
  for (const f of shown) {
    const props: core.AnnotationProperties = {
      title: title(f),
      ...(f.line ? { file: f.file, startLine: f.line } : {}),
    };
    const message = f.line ? f.message : `${f.file}: ${f.message}`;
    const level = levelOf(f);
    if (level === 'error') core.error(message, props);
    else if (level === 'warning') core.warning(message, props);
    else core.notice(message, props);
  }
}

export interface CheckRunRequest {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  findings: readonly Finding[];
}

const CHECK_LEVEL = { error: 'failure', warning: 'warning', note: 'notice' } as const;

/**
 * One completed check run carrying every finding: created with the first 50 annotations, then
 * updated with each further batch of 50 (the API appends them). Returns the run id and batches.
 */
export async function publishCheckRun(
  octokit: Octokit,
  r: CheckRunRequest,
): Promise<{ id: number; batches: number }> {
  const annotations = r.findings.map((f) => ({
    path: f.file,
    start_line: f.line ?? 1,
    end_line: f.line ?? 1,
    annotation_level: CHECK_LEVEL[levelOf(f)],
    message: f.message,
    title: title(f),
  }));
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += CHECK_ANNOTATION_BATCH)
    batches.push(annotations.slice(i, i + CHECK_ANNOTATION_BATCH));
  const output = (batch: typeof annotations) => ({
    title: r.title,
    summary: r.summary,
    annotations: batch,
  });
  const created = await octokit.rest.checks.create({
    owner: r.owner,
    repo: r.repo,
    name: r.name,
    head_sha: r.headSha,
    status: 'completed',
    conclusion: r.conclusion,
    output: output(batches[0] ?? []),
  });
  for (const batch of batches.slice(1))
    await octokit.rest.checks.update({
      owner: r.owner,
      repo: r.repo,
      check_run_id: created.data.id,
      output: output(batch),
    });
  return { id: created.data.id, batches: Math.max(1, batches.length) };
}
