import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../runtime/errors.js';
import { pathExists } from '../runtime/fs.js';
import { makeTempDir } from '../runtime/temp.js';
import type { CacheBackend, RestoreOptions } from './backend.js';
import { extractEntry, writeEntry } from './entry.js';

/**
 * The one file an Actions cache entry holds: the entry archive (entry.ts). The service versions
 * entries by the path list they were saved with, and @actions/cache stores files relative to
 * GITHUB_WORKSPACE; handing it this one name, relative to a folder of our own, makes the version
 * the same on every runner and the entry restorable wherever GOCACHE, the home or the work
 * directory are today.
 */
export const ENTRY_FILE = 'gantry-cache-entry.tar';

/**
 * The Actions cache service through @actions/cache (the protocol the runner gives the job:
 * ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN). The library turns service trouble into
 * warnings and a miss; an unavailable service is reported by the caller as a warning too.
 * What it downloads is extracted by us, checked member by member like a local entry.
 */
export class GitHubCacheBackend implements CacheBackend {
  readonly name = 'github';

  /**
   * @actions/cache and its Azure SDK (most of a bundle) load only when the service is used: a
   * chunk beside the bundle, so the action starts as fast as Node (bench P4). The other heavy
   * libraries (@actions/github, tool-cache, http-client, io) are imported where used, the same way.
   */
  private lib(): Promise<typeof import('@actions/cache')> {
    return import('@actions/cache');
  }

  /** Without the runner's cache variables the library is not even loaded (a third of a second). */
  async available(): Promise<boolean> {
    if (!process.env.ACTIONS_CACHE_URL && !process.env.ACTIONS_RESULTS_URL) return false;
    return (await this.lib()).isFeatureAvailable();
  }

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[],
    opts: RestoreOptions = {},
  ): Promise<string | undefined> {
    await this.check();
    const lib = await this.lib();
    const folder = await makeTempDir('cache-restore');
    try {
      const matched = await inFolder(folder, () =>
        lib.restoreCache([ENTRY_FILE], key, [...restoreKeys]),
      );
      if (matched === undefined) return undefined;
      const file = join(folder, ENTRY_FILE);
      if (!(await pathExists(file)))
        throw new Error(`the entry ${matched} holds no ${ENTRY_FILE}; nothing was restored`);
      await extractEntry(file, paths, opts);
      return matched;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    await this.check();
    const lib = await this.lib();
    const folder = await makeTempDir('cache-save');
    try {
      if (!(await writeEntry(join(folder, ENTRY_FILE), paths))) return false;
      return (await inFolder(folder, () => lib.saveCache([ENTRY_FILE], key))) !== -1;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  private async check(): Promise<void> {
    if (!(await this.available()))
      throw new UserError(
        'the Actions cache service is not available to this job (no ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL); use backend: local on runners without it',
      );
  }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs one @actions/cache call with the folder as its workspace: the library resolves the names
 * it is given against the working directory and archives and extracts them relative to
 * GITHUB_WORKSPACE, both of the process. Calls take turns, and both are put back after each.
 */
function inFolder<T>(folder: string, fn: () => Promise<T>): Promise<T> {
  const run = async () => {
    const cwd = process.cwd();
    const workspace = process.env.GITHUB_WORKSPACE;
    process.chdir(folder);
    process.env.GITHUB_WORKSPACE = folder;
    try {
      return await fn();
    } finally {
      process.chdir(cwd);
      if (workspace === undefined) delete process.env.GITHUB_WORKSPACE;
      else process.env.GITHUB_WORKSPACE = workspace;
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
