import * as cache from '@actions/cache';
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

  available(): boolean {
    return cache.isFeatureAvailable();
  }

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[],
  ): Promise<string | undefined> {
    this.check();
    return cache.restoreCache([...paths], key, [...restoreKeys]);
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    this.check();
    return (await cache.saveCache([...paths], key)) !== -1;
  }

  private check(): void {
    if (!this.available())
      throw new UserError(
        'the Actions cache service is not available to this job (no ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL); use backend: local on runners without it',
      );
  }
}
