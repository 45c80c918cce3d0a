import { readFileSync } from 'node:fs';
import { execFile } from '../runtime/exec.js';

/** What a workflow run tells about the commit being built, from GITHUB_* and the event payload. */
export interface GitContext {
  eventName: string;
  ref: string;
  /** The commit the image is of: the PR head for pull requests (not the merge commit). */
  sha: string;
  prNumber?: number;
  /** The branch a pull request merges into. */
  baseRef?: string;
  repository: string;
  workflow: string;
  serverUrl: string;
  defaultBranch?: string;
}

interface Payload {
  pull_request?: { number?: number; head?: { sha?: string }; base?: { ref?: string } };
  repository?: { default_branch?: string; full_name?: string };
}

export function readEventPayload(path: string | undefined): Payload {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Payload;
  } catch {
    return {};
  }
}

export function gitContextFromEnv(env: NodeJS.ProcessEnv = process.env): GitContext {
  const payload = readEventPayload(env.GITHUB_EVENT_PATH);
  const pr = payload.pull_request;
  const ctx: GitContext = {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: pr?.head?.sha ?? env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
  };
  if (pr?.number !== undefined) ctx.prNumber = pr.number;
  if (pr?.base?.ref) ctx.baseRef = pr.base.ref;
  if (payload.repository?.default_branch) ctx.defaultBranch = payload.repository.default_branch;
  return ctx;
}

/** The image's time: SOURCE_DATE_EPOCH, else the commit's, else 0 — the same for every rebuild of a commit. */
export async function sourceEpoch(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (env.SOURCE_DATE_EPOCH && /^\d+$/.test(env.SOURCE_DATE_EPOCH))
    return Number(env.SOURCE_DATE_EPOCH);
  const r = await execFile('git', ['-C', dir, 'log', '-1', '--format=%ct'], {
    silent: true,
    allowFailure: true,
  }).catch(() => undefined);
  const out = r?.exitCode === 0 ? r.stdout.trim() : '';
  return /^\d+$/.test(out) ? Number(out) : 0;
}
