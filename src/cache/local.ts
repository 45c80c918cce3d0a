import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../runtime/fs.js';
import type { CacheBackend, RestoreOptions } from './backend.js';
import { extractEntry, writeEntry } from './entry.js';

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
 *
 * Entries live in a folder of their repository's (`scope`): one repository never restores what
 * another saved, even when runners share the directory. Each file is an entry archive (entry.ts):
 * restored into wherever the paths are now, checked before anything is extracted.
 */
export class LocalCacheBackend implements CacheBackend {
  readonly name = 'local';
  readonly dir: string;

  constructor(
    root: string,
    readonly scope: string,
    readonly maxBytes: number,
  ) {
    this.dir = join(root, encodeURIComponent(scope));
  }

  async restore(
    paths: readonly string[],
    key: string,
    restoreKeys: readonly string[],
    opts: RestoreOptions = {},
  ): Promise<string | undefined> {
    const entry = pick(await this.entries(), key, restoreKeys);
    if (!entry) return undefined;
    await extractEntry(entry.file, paths, opts);
    const now = new Date();
    await utimes(entry.file, now, now).catch(() => undefined);
    return entry.key;
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    if (!(await anyExists(paths))) return false;
    await mkdir(this.dir, { recursive: true });
    if ((await this.entries()).some((e) => e.key === key)) return false;
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await writeEntry(tmp, paths);
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

async function anyExists(paths: readonly string[]): Promise<boolean> {
  for (const p of paths) if (await pathExists(p)) return true;
  return false;
}
