import * as core from '../../runtime/core.js';
import { commentMarker, upsertComment } from '../../github/comment.js';
import { gitContextFromEnv, type GitContext } from '../../github/context.js';
import {
  baselineKey,
  CacheBaselineStore,
  DirectoryBaselineStore,
  type Baseline,
  type BaselineStore,
} from '../../report/baseline.js';
import { GitHubCacheBackend } from '../../cache/github.js';
import { join } from 'node:path';
import { userCacheDir } from '../../runtime/temp.js';
import { COMMENT_LIMIT, renderReport, STEP_SUMMARY_LIMIT } from '../../report/markdown.js';
import { baselineOf, phaseRows } from '../../report/timing.js';
import { errorMessage } from '../../runtime/errors.js';
import { readTimeline } from '../../runtime/timeline.js';
import { OUTPUT, readInputs, type SummaryInputs } from './inputs.js';

function isDefaultBranchPush(ctx: GitContext): boolean {
  const branch = ctx.ref.replace(/^refs\/heads\//, '');
  return (
    ctx.eventName === 'push' &&
    ctx.ref.startsWith('refs/heads/') &&
    branch === (ctx.defaultBranch ?? 'main')
  );
}

/** A comment is for pull requests (auto) or any run with an issue number (always); never for schedules. */
function wantsComment(inputs: SummaryInputs, ctx: GitContext): boolean {
  if (inputs.comment === 'never' || ctx.eventName === 'schedule' || ctx.prNumber === undefined)
    return false;
  return inputs.comment === 'always' || ctx.eventName.startsWith('pull_request');
}

/** Where base-branch timings live: a directory when given, else the Actions cache when the job has it. */
async function baselineStore(inputs: SummaryInputs): Promise<BaselineStore | undefined> {
  if (inputs.baselineDir) return new DirectoryBaselineStore(inputs.baselineDir);
  if (inputs.baseline === 'off') return undefined;
  const cache = new GitHubCacheBackend();
  if (await cache.available())
    return new CacheBaselineStore(cache, join(userCacheDir(), 'gantry', 'baselines'));
  core.info('No Actions cache service in this job: phases are not compared with the base branch');
  return undefined;
}

/**
 * Reads every phase the job's gantry actions recorded and reports them: the step summary always,
 * one sticky PR comment when asked; timings compared with the base branch's last run. Trouble
 * with the comment, summary or baseline is a warning: this step never fails the job over it.
 */
export async function main(): Promise<void> {
  const inputs = readInputs();
  const ctx = gitContextFromEnv();
  const phases = readTimeline();
  const store = await baselineStore(inputs);

  let baseline: Baseline | undefined;
  if (store && ctx.baseRef) {
    baseline = await store.load(baselineKey(ctx.workflow, ctx.baseRef)).catch((err: unknown) => {
      core.warning(`Could not read the ${ctx.baseRef} baseline: ${errorMessage(err)}`);
      return undefined;
    });
  }
  const { rows, totalMs } = phaseRows(
    phases,
    baseline ? new Map(Object.entries(baseline)) : undefined,
  );
  const common = {
    title: inputs.title,
    ...(baseline && ctx.baseRef ? { baselineRef: ctx.baseRef } : {}),
  };
  const markdown = renderReport(rows, totalMs, { ...common, limit: STEP_SUMMARY_LIMIT });
  core.setOutput(OUTPUT.markdown, markdown);

  try {
    core.appendSummary(markdown);
  } catch (err) {
    core.warning(`Could not write the step summary: ${errorMessage(err)}`);
  }

  if (wantsComment(inputs, ctx)) {
    const [owner, repo] = ctx.repository.split('/');
    if (!inputs.token || !owner || !repo) {
      core.warning('No token for the pull request comment; the step summary has the report');
    } else {
      const marker = commentMarker(inputs.header);
      const body = renderReport(rows, totalMs, { ...common, marker, limit: COMMENT_LIMIT });
      try {
        const { getOctokit } = await import('@actions/github');
        const r = await upsertComment(
          getOctokit(inputs.token),
          { owner, repo, issueNumber: ctx.prNumber! },
          marker,
          body,
        );
        core.setOutput(OUTPUT.commentId, String(r.id));
        core.info(`Comment ${r.id} ${r.action} on #${ctx.prNumber}`);
      } catch (err) {
        const status = (err as { status?: number }).status;
        const why =
          status === 403 || status === 404
            ? 'the token may not write comments here (a fork PR, or a read-only token)'
            : errorMessage(err);
        core.warning(`No PR comment: ${why}; the step summary has the report`);
      }
    }
  }

  if (store && isDefaultBranchPush(ctx) && phases.length > 0) {
    const branch = ctx.ref.replace(/^refs\/heads\//, '');
    await store
      .save(baselineKey(ctx.workflow, branch), baselineOf(phases))
      .catch((err: unknown) => core.warning(`Could not save the baseline: ${errorMessage(err)}`));
  }
}
