import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execFile, tailLines } from '../runtime/exec.js';
import { pathExists } from '../runtime/fs.js';
import type { CacheBackend, RestoreOptions } from './backend.js';

interface Entry {
  file: string;
  key: string;
  created: number;
  size: number;
  used: number;
}

const ENTRY = /^(\d+)-(.+)\.tar$/;

/**
 * A directory of tar archives, for self-hosted runners: one file per entry named
 * `<created>-<key>.tar`, written under a temporary name and renamed into place (a reader never
 * sees half an entry), the newest entry wins a prefix match, and entries least recently
 * restored are removed once the directory grows past maxBytes.
 */
export class LocalCacheBackend implements CacheBackend {
  readonly name = 'local';

  /**
   * Paths are stored relative to base (the workspace), as @actions/cache stores them, so an entry
   * restores into the same places for any checkout at the same depth next to the same home.
   */
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly base: string,
  ) {}

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[],
    opts: RestoreOptions = {},
  ): Promise<string | undefined> {
    const entry = pick(await this.entries(), key, restoreKeys);
    if (!entry) return undefined;
    const extract = [
      '--extract',
      '--file',
      entry.file,
      '--absolute-names',
      '--directory',
      this.base,
      // tar seeks past a kept file's bytes: a GOCACHE already in place costs ~nothing
      ...(opts.keepExisting ? ['--skip-old-files'] : []),
    ];
    const split = opts.split ?? [];
    // the directories above the split parts are made first: no two processes make one at once
    if (split.length) await Promise.all(paths.map((p) => mkdir(p, { recursive: true })));
    const runs = [
      split.length ? [...extract, '--wildcards', ...split.map((p) => `--exclude=${p}`)] : extract,
      ...split.map((p) => [...extract, '--wildcards', '--', p]),
    ].map((args) => execFile('tar', args, { silent: true, allowFailure: true }));
    // every process has ended before the restore is over, failed or not: none writes on later
    const results = await Promise.all(runs);
    const failed = results.find((r) => r.exitCode !== 0 && !onlyNotFound(r.stderr));
    if (failed) throw new Error(`tar could not extract ${entry.file}: ${tailLines(failed.stderr)}`);
    const now = new Date();
    await utimes(entry.file, now, now).catch(() => undefined);
    return entry.key;
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    const present: string[] = [];
    for (const p of paths) if (await pathExists(p)) present.push(p);
    if (!present.length) return false;
    await mkdir(this.dir, { recursive: true });
    if ((await this.entries()).some((e) => e.key === key)) return false;
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const names = present.map((p) => relative(this.base, p) || '.');
      await execFile(
        'tar',
        ['--create', '--file', tmp, '--absolute-names', '--directory', this.base, '--', ...names],
        { silent: true },
      );
      await rename(tmp, join(this.dir, `${Date.now()}-${encodeURIComponent(key)}.tar`));
    } finally {
      await rm(tmp, { force: true });
    }
    await this.cleanup();
    return true;
  }

  /** Removes the least recently used entries until the directory fits maxBytes. */
  async cleanup(): Promise<string[]> {
    const entries = (await this.entries()).sort((a, b) => a.used - b.used);
    let total = entries.reduce((n, e) => n + e.size, 0);
    const removed: string[] = [];
    for (const e of entries) {
      if (total <= this.maxBytes || entries.length - removed.length <= 1) break;
      await rm(e.file, { force: true });
      total -= e.size;
      removed.push(e.key);
    }
    return removed;
  }

  async entries(): Promise<Entry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const entries: Entry[] = [];
    for (const name of names) {
      const m = ENTRY.exec(name);
      if (!m) continue;
      const file = join(this.dir, name);
      try {
        const st = await stat(file);
        entries.push({
          file,
          key: decodeURIComponent(m[2] as string),
          created: Number(m[1]),
          size: st.size,
          used: st.mtimeMs,
        });
      } catch {
        // removed by a concurrent cleanup
      }
    }
    return entries;
  }
}

/** A split pattern that matched no member: tar says so and exits 2; the rest was extracted. */
function onlyNotFound(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.every((l) => /Not found in archive|due to previous errors/.test(l));
}

/** The Actions cache rule: the exact key, else the newest entry starting with each restore key in turn. */
export function pick<E extends { key: string; created: number }>(
  entries: readonly E[],
  key: string,
  restoreKeys: readonly string[],
): E | undefined {
  const newest = (match: (k: string) => boolean) =>
    entries.filter((e) => match(e.key)).sort((a, b) => b.created - a.created)[0];
  return (
    newest((k) => k === key) ?? restoreKeys.map((p) => newest((k) => k.startsWith(p))).find(Boolean)
  );
}
