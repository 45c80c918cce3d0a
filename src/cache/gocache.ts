import { createHash } from 'node:crypto';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from '../runtime/concurrency.js';

/**
 * Go refreshes a cache entry's mtime when it uses one older than this (cmd/go/internal/cache,
 * mtimeInterval). Entries aged past it at restore are touched by the build that uses them, so
 * the ones still old before saving are the ones this run did not need.
 */
export const GO_MTIME_INTERVAL_MS = 60 * 60 * 1000;

/** Go's record of its last trim: carrying it in a cache stops Go from ever trimming. */
export const TRIM_FILE = 'trim.txt';

export interface CacheFile {
  /** `<2 hex>/<name>`: entries are content-addressed, so names say what the cache holds. */
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

const SHARD = /^[0-9a-f]{2}$/;

/** `fn` for each of a GOCACHE's shard directories, 16 at once; none when it does not exist. */
async function eachShard<T>(dir: string, fn: (shard: string) => Promise<T[]>): Promise<T[]> {
  let shards: string[];
  try {
    shards = (await readdir(dir)).filter((s) => SHARD.test(s));
  } catch {
    return [];
  }
  return (await mapLimit(shards, 16, fn)).flat();
}

const HEX = '0123456789abcdef';

/**
 * Tar wildcards that split a GOCACHE's shard directories into `parts` ranges of their first hex
 * digit, less the first range, which a restore extracts with everything else (RestoreOptions.split):
 * a part a core. A pattern names the directories themselves, so each is made by the one process
 * that fills it (two tars making one directory at once fail now and then). Two parts halve a fresh runner's restore of examples/orders-api on two cores;
 * more parts than cores measured no faster.
 */
export function shardSplit(parts: number): string[] {
  const n = Math.max(1, Math.min(Math.floor(parts), HEX.length));
  const at = (i: number) => Math.floor((i * HEX.length) / n);
  return Array.from({ length: n - 1 }, (_, i) => `[${HEX.slice(at(i + 1), at(i + 2))}][0-9a-f]`);
}

/** The entries of a GOCACHE directory (its 256 shard directories); none when it does not exist. */
export async function listCacheFiles(dir: string): Promise<CacheFile[]> {
  const files = await eachShard(dir, async (shard) => {
    const names = await readdir(join(dir, shard)).catch(() => [] as string[]);
    return mapLimit(names, 32, async (n) => {
      const path = join(dir, shard, n);
      const st = await stat(path).catch(() => undefined);
      return st?.isFile()
        ? { name: `${shard}/${n}`, path, size: st.size, mtimeMs: st.mtimeMs }
        : undefined;
    });
  });
  return files.filter((f): f is CacheFile => f !== undefined);
}

export function totalBytes(files: readonly CacheFile[]): number {
  return files.reduce((n, f) => n + f.size, 0);
}

/** The names of a GOCACHE's entries (`<shard>/<name>`); none when it does not exist. */
export async function entryNames(dir: string): Promise<string[]> {
  return eachShard(dir, async (shard) =>
    (await readdir(join(dir, shard), { withFileTypes: true }).catch(() => []))
      .filter((e) => e.isFile())
      .map((e) => `${shard}/${e.name}`),
  );
}

/**
 * Sets every entry's mtime to `at` (restore time minus more than Go's refresh interval); the
 * entries' names. Names only — no stat of each: this runs between the restore and the build.
 */
export async function ageEntries(dir: string, at: number): Promise<string[]> {
  const when = new Date(at);
  const names = await entryNames(dir);
  await mapLimit(names, 16, (n) => utimes(join(dir, n), when, when).catch(() => undefined));
  return names;
}

export interface TrimResult {
  kept: CacheFile[];
  dropped: CacheFile[];
}

/** Deletes the entries not used since they were aged (mtime before cutoff) and Go's trim.txt. */
export async function trimEntries(dir: string, cutoff: number): Promise<TrimResult> {
  const files = await listCacheFiles(dir);
  const stale = files.filter((f) => f.mtimeMs < cutoff);
  await mapLimit(stale, 64, (f) => rm(f.path, { force: true }));
  await rm(join(dir, TRIM_FILE), { force: true });
  return { kept: files.filter((f) => f.mtimeMs >= cutoff), dropped: stale };
}

/** What a GOCACHE holds, as a short hash of its entry names: equal fingerprints, nothing to save. */
export function fingerprint(files: readonly CacheFile[]): string {
  const hash = createHash('sha256');
  for (const name of files.map((f) => f.name).sort()) hash.update(name + '\n');
  return hash.digest('hex').slice(0, 16);
}
