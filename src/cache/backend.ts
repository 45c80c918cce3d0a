/**
 * Where cache entries live between runs. Keys follow the Actions cache rules: `restore` tries the
 * exact key, then each restore key as a prefix (newest entry first); entries are immutable.
 */
export interface CacheBackend {
  readonly name: string;
  /** Restores paths from the best entry; the key that matched, or undefined on a miss. */
  restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[],
    opts?: RestoreOptions,
  ): Promise<string | undefined>;
  /** Saves paths under key; false when the backend declined (the key exists, nothing to save). */
  save(paths: readonly string[], key: string): Promise<boolean>;
}

export interface RestoreOptions {
  /**
   * Leave files that are already there as they are: for a content-addressed cache (GOCACHE,
   * where a name says what its bytes are), a runner that kept its cache writes nothing.
   */
  keepExisting?: boolean;
  /**
   * Tar wildcards, matched against names relative to each cached path (a directory's takes what
   * is under it): the members each one matches are extracted by a process of their own at the
   * same time as the rest. A restore that is mostly file creation (a GOCACHE: thousands of
   * files) then uses every core of the runner. The paths must be directories.
   */
  split?: readonly string[];
}

/** How a restore went: the exact key, a fallback key, or nothing. */
export type HitKind = 'exact' | 'partial' | 'none';

/** exact when every entry hit exactly, none when none hit at all, partial otherwise. */
export function combineHits(hits: readonly HitKind[]): HitKind {
  if (hits.length && hits.every((h) => h === 'exact')) return 'exact';
  if (hits.every((h) => h === 'none')) return 'none';
  return 'partial';
}
