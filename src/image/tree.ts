import { lstat, readdir, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { ValidationError } from '../runtime/errors.js';
import { isWithin } from '../runtime/workspace.js';
import type { LayerEntry } from './layer.js';

/**
 * What the runner keeps beside a checkout that no image should carry unless a user names it:
 * `.git`, where actions/checkout keeps its token (a directory, or a worktree's file).
 */
export const RUNNER_ONLY: readonly string[] = ['.git'];

export const TREE_ACCEPTED =
  'a directory of files, directories and relative links that stay inside it';

/**
 * A host directory as layer entries under `into`, as tar would take it: links are never followed;
 * a link whose target stays inside the directory becomes a symlink entry, one that leaves it (or
 * is absolute, so it would point at the host) fails naming the file and the input it came from.
 * RUNNER_ONLY names are never taken, at any depth.
 */
export async function treeEntries(
  input: { name: string; given: string },
  dir: string,
  into: string,
): Promise<LayerEntry[]> {
  const fail = (detail: string): never => {
    throw new ValidationError(input.name, input.given, TREE_ACCEPTED, detail);
  };
  const entries: LayerEntry[] = [];
  const visit = async (d: string) => {
    for (const name of (await readdir(d)).sort()) {
      if (RUNNER_ONLY.includes(name)) continue;
      const full = join(d, name);
      const rel = relative(dir, full);
      const path = posix.join(into, ...rel.split('/'));
      const s = await lstat(full);
      if (s.isSymbolicLink()) {
        const target = await readlink(full);
        if (isAbsolute(target) || !isWithin(dir, resolve(dirname(full), target)))
          fail(`${rel} links to ${target}, outside it`);
        entries.push({ path, type: 'symlink', mode: 0o777, linkname: target });
      } else if (s.isDirectory()) {
        entries.push({ path, type: 'dir', mode: 0o755 });
        await visit(full);
      } else if (s.isFile()) {
        entries.push({
          path,
          type: 'file',
          mode: s.mode & 0o111 ? 0o755 : 0o644,
          file: full,
          size: s.size,
        });
      } else {
        fail(`${rel} is not a file, directory or link`);
      }
    }
  };
  await visit(dir);
  return entries;
}
