import { mkdir } from 'node:fs/promises';
import { execFile, tailLines } from '../runtime/exec.js';
import { pathExists } from '../runtime/fs.js';
import { checkArchive } from './archive.js';
import type { RestoreOptions } from './backend.js';

/**
 * One cache entry's bytes, the same in every backend: an uncompressed tar holding each cached
 * path under its position in the path list (`0/…`, `1/…`), relative to itself. Where a path was
 * when it was saved is not in it: it is restored into whatever that path is now (another
 * GOCACHE, another home, another depth). It is untrusted when read back: every member is checked
 * before anything is extracted.
 */

/** Writes the paths that exist into file; false when none does (nothing to save). */
export async function writeEntry(file: string, paths: readonly string[]): Promise<boolean> {
  const present: [number, string][] = [];
  for (const [i, p] of paths.entries()) if (await pathExists(p)) present.push([i, p]);
  for (const [n, [i, p]] of present.entries()) {
    // `./x` is stored as `<i>/x`; link targets are kept as they are (S)
    await execFile(
      'tar',
      [
        n ? '--append' : '--create',
        '--file',
        file,
        '--directory',
        p,
        `--transform=s,^\\.,${i},S`,
        '--',
        '.',
      ],
      { silent: true },
    );
  }
  return present.length > 0;
}

/** Checks file and extracts each of its roots into the path at that position today. */
export async function extractEntry(
  file: string,
  paths: readonly string[],
  opts: RestoreOptions = {},
): Promise<void> {
  const { roots } = checkArchive(file);
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
      file,
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
  if (failed) throw new Error(`tar could not extract ${file}: ${tailLines(failed.stderr)}`);
}

/** A split pattern that matched no member: tar says so and exits 2; the rest was extracted. */
function onlyNotFound(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.every((l) => /Not found in archive|due to previous errors/.test(l));
}
