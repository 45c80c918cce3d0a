import { UserError } from '../runtime/errors.js';
import type { CacheBackend } from './backend.js';

/**
 * The Actions cache service through @actions/cache (the protocol the runner gives the job:
 * ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN). The library turns service trouble into
 * warnings and a miss; an unavailable service is reported by the caller as a warning too.
 * The service versions entries by the path list, so callers pass paths that are the same on
 * every run of a runner image (GOCACHE, a directory under the home cache).
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
  ): Promise<string | undefined> {
    await this.check();
    return (await this.lib()).restoreCache([...paths], key, [...restoreKeys]);
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    await this.check();
    return (await (await this.lib()).saveCache([...paths], key)) !== -1;
  }

  private async check(): Promise<void> {
    if (!(await this.available()))
      throw new UserError(
        'the Actions cache service is not available to this job (no ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL); use backend: local on runners without it',
      );
  }
}
