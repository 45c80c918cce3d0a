import type { Exec } from '../runtime/exec.js';

/** A file the change touches, relative to the directory the services are found in. */
export interface Change {
  status: 'added' | 'modified' | 'deleted';
  path: string;
}

/** What to compare HEAD with: a commit, or nothing (every service), and why. */
export type Base = { sha: string; why: string } | { every: string };

interface EventPayload {
  before?: string;
  forced?: boolean;
  created?: boolean;
  pull_request?: { base?: { sha?: string } };
  merge_group?: { base_sha?: string };
}

const NO_COMMIT = /^0+$/;
/** A full commit id (SHA-1 or SHA-256): nothing else reaches git's command line. */
export const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The event's commit, if it is one. */
const commitOr = (sha: string | undefined, why: string, missing: string): Base =>
  sha && COMMIT.test(sha)
    ? { sha, why }
    : { every: sha ? `${missing} (not a commit id)` : missing };

/**
 * The base a run compares with: the `base` input when given; a pull request's base commit; a
 * merge queue's base; a push's `before`. Anything else — a schedule, a manual run, a new branch,
 * a force push — builds every service, and says so.
 */
export function baseOf(input: string, eventName: string, payload: EventPayload): Base {
  if (input) return { sha: input, why: 'the base input' };
  if (eventName === 'pull_request' || eventName === 'pull_request_target')
    return commitOr(
      payload.pull_request?.base?.sha,
      "the pull request's base",
      'the pull request names no base commit',
    );
  if (eventName === 'merge_group')
    return commitOr(
      payload.merge_group?.base_sha,
      "the merge queue's base",
      'the merge group names no base commit',
    );
  if (eventName === 'push') {
    if (payload.created || !payload.before || NO_COMMIT.test(payload.before))
      return { every: 'a new branch or tag: nothing to compare with' };
    if (payload.forced) return { every: 'a force push: the commits before it may be gone' };
    return commitOr(
      payload.before,
      'the commit before the push',
      'the push names no commit before it',
    );
  }
  return { every: `a ${eventName || 'run without an event'}: every service is built` };
}

const git = (exec: Exec, dir: string, args: string[]) =>
  exec('git', ['-C', dir, ...args], { silent: true, allowFailure: true });

/** How far a shallow clone is deepened, step by step, to find where HEAD and the base meet. */
const DEEPEN_STEPS = [50, 200, 1000, 5000];

/**
 * The base's commit and its merge base with HEAD in the clone, fetching (the base commit) and
 * deepening (a shallow clone) as needed; each fetch said in `notes`. Undefined when history does
 * not reach: every service is then built.
 */
export async function reachBase(
  exec: Exec,
  dir: string,
  sha: string,
  notes: string[],
): Promise<string | undefined> {
  const has = async (rev: string) =>
    (await git(exec, dir, ['cat-file', '-e', `${rev}^{commit}`])).exitCode === 0;
  if (!(await has(sha))) {
    const r = await git(exec, dir, ['fetch', '--no-tags', '--depth=1', 'origin', sha]);
    if (r.exitCode !== 0 || !(await has(sha))) return undefined;
    notes.push(`fetched the base ${sha.slice(0, 12)}, which the clone did not have`);
  }
  const mergeBase = async () => {
    const r = await git(exec, dir, ['merge-base', sha, 'HEAD']);
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  };
  let found = await mergeBase();
  if (found) return found;
  const shallow = await git(exec, dir, ['rev-parse', '--is-shallow-repository']);
  if (shallow.stdout.trim() !== 'true') return undefined;
  const head = (await git(exec, dir, ['rev-parse', 'HEAD'])).stdout.trim();
  for (const depth of DEEPEN_STEPS) {
    const r = await git(exec, dir, [
      'fetch',
      '--no-tags',
      `--deepen=${depth}`,
      'origin',
      head,
      sha,
    ]);
    if (r.exitCode !== 0) break;
    notes.push(
      `deepened the shallow clone by ${depth} commits to find where HEAD and the base meet`,
    );
    found = await mergeBase();
    if (found) return found;
  }
  return undefined;
}

/** The files changed from `from` to HEAD, relative to `dir` and only below it (renames as delete + add). */
export async function changedFiles(exec: Exec, dir: string, from: string): Promise<Change[]> {
  const r = await exec(
    'git',
    ['-C', dir, 'diff', '--name-status', '--no-renames', '--relative', '-z', from, 'HEAD'],
    { silent: true },
  );
  const fields = r.stdout.split('\0');
  const out: Change[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const s = fields[i]![0];
    out.push({
      status: s === 'A' ? 'added' : s === 'D' ? 'deleted' : 'modified',
      path: fields[i + 1]!,
    });
  }
  return out;
}

/** A file's text at a commit ('' where it does not exist), by its path relative to `dir`. */
export async function fileAt(exec: Exec, dir: string, rev: string, path: string): Promise<string> {
  const r = await git(exec, dir, ['show', `${rev}:./${path}`]);
  return r.exitCode === 0 ? r.stdout : '';
}
