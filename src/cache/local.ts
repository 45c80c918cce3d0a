import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile, tailLines } from '../runtime/exec.js';
import { pathExists } from '../runtime/fs.js';
import { checkArchive } from './archive.js';
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
 *
 * Entries live in a folder of their repository's (`scope`): one repository never restores what
 * another saved, even when runners share the directory. Each cached path is stored under its
 * position in the path list (`0/…`, `1/…`), relative to itself, and restored into whatever that
 * path is now. An archive is untrusted: every member is checked before anything is extracted.
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
    const { roots } = checkArchive(entry.file);
    const split = opts.split ?? [];
    const runs: string[][] = [];
    for (const [i, path] of paths.entries()) {
      const root = String(i);
      if (!roots.has(root)) continue;
      // made first: tar -C needs it, and no two processes then make one directory at once
      await mkdir(path, { recursive: true });
      const extract = [
        '--extract',
        '--file',
        entry.file,
        '--directory',
        path,
        '--strip-components=1',
        '--no-same-owner',
        '--anchored',
        '--wildcards',
        // tar seeks past a kept file's bytes: a GOCACHE already in place costs ~nothing
        ...(opts.keepExisting ? ['--skip-old-files'] : []),
      ];
      runs.push(
        [...extract, ...split.map((p) => `--exclude=${root}/${p}`), '--', root],
        ...split.map((p) => [...extract, '--', `${root}/${p}`]),
      );
    }
    // every process has ended before the restore is over, failed or not: none writes on later
    const results = await Promise.all(
      runs.map((args) => execFile('tar', args, { silent: true, allowFailure: true })),
    );
    const failed = results.find((r) => r.exitCode !== 0 && !onlyNotFound(r.stderr));
    if (failed) throw new Error(`tar could not extract ${entry.file}: ${tailLines(failed.stderr)}`);
    const now = new Date();
    await utimes(entry.file, now, now).catch(() => undefined);
    return entry.key;
  }

  async save(paths: readonly string[], key: string): Promise<boolean> {
    const present: [number, string][] = [];
    for (const [i, p] of paths.entries()) if (await pathExists(p)) present.push([i, p]);
    if (!present.length) return false;
    await mkdir(this.dir, { recursive: true });
    if ((await this.entries()).some((e) => e.key === key)) return false;
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      for (const [n, [i, p]] of present.entries()) {
        // `./x` is stored as `<i>/x`; link targets are kept as they are (S)
        await execFile(
          'tar',
          [
            n ? '--append' : '--create',
            '--file',
            tmp,
            '--directory',
            p,
            `--transform=s,^\\.,${i},S`,
            '--',
            '.',
          ],
          { silent: true },
        );
      }
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
