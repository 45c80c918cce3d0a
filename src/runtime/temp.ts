import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The job's scratch directory: RUNNER_TEMP on a runner, the OS temp dir elsewhere. */
export function runnerTemp(): string {
  return process.env.RUNNER_TEMP || tmpdir();
}

/** The user's cache directory (XDG_CACHE_HOME, else ~/.cache). */
export function userCacheDir(): string {
  return process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
}

export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(runnerTemp(), `gantry-${prefix}-`));
}

/** Runs fn with a fresh temp dir and removes it afterwards, whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir(prefix);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
