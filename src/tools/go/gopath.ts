import {
  cp,
  lstat,
  mkdir,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { UserError, ValidationError } from '../../runtime/errors.js';
import { pathExists } from '../../runtime/fs.js';

export const IMPORT_PATH_ACCEPTED =
  'a Go import path such as github.com/owner/repo: slash-separated elements of letters, digits and . _ ~ -, no "." or ".." elements';

const ELEMENT = /^[A-Za-z0-9._~-]+$/;

export function validateImportPath(input: string, value: string): string {
  const parts = value.split('/');
  const ok =
    value !== '' &&
    parts.every((p) => ELEMENT.test(p) && p !== '.' && p !== '..') &&
    (parts[0] ?? '').length > 0;
  if (!ok) throw new ValidationError(input, value, IMPORT_PATH_ACCEPTED);
  return value;
}

/**
 * GOPATH mode only when no go.mod or go.work stands at `dir` or any directory above it up to the
 * workspace root: a module's subdirectory (cmd/server) is still in module mode, as Go itself sees it.
 */
export async function isGopathRepo(dir: string, workspace: string): Promise<boolean> {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if ((await pathExists(join(d, 'go.mod'))) || (await pathExists(join(d, 'go.work'))))
      return false;
    if (d === resolve(workspace) || dirname(d) === d) return true;
  }
}

/**
 * Puts the checkout at $GOPATH/src/<importPath>, where GOPATH-mode Go looks for it. The files are
 * moved (a rename on one filesystem, a copy across) and each top-level entry left in the workspace
 * as a symlink to its new place, so steps that use workspace paths still work. A symlink the other
 * way would not do: Go resolves the working directory physically and would not find it in GOPATH.
 * Running again on a placed workspace is a no-op. Returns the new directory.
 */
export async function placeInGopath(
  workspace: string,
  gopath: string,
  importPath: string,
): Promise<string> {
  // assembled by hand: the bundler reads resolve(x, 'src', y) as a file to ship with the action
  const target = [resolve(gopath), 'src', ...importPath.split('/')].join(sep);
  const ws = await realpath(workspace);
  if (ws === target) return target;
  if (target.startsWith(ws + '/'))
    throw new UserError(
      `GOPATH (${gopath}) is inside the workspace (${workspace}); choose a GOPATH outside it`,
    );
  await mkdir(target, { recursive: true });
  for (const name of await readdir(workspace)) {
    const from = join(workspace, name);
    const to = join(target, name);
    const st = await lstat(from);
    if (st.isSymbolicLink() && resolve(workspace, await readlink(from)) === to) continue;
    if (await pathExists(to))
      throw new UserError(
        `${to} already exists; GOPATH/src/${importPath} must be empty or a checkout placed by go-cache`,
      );
    try {
      await rename(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      await rm(from, { recursive: true, force: true });
    }
    await symlink(to, from);
  }
  return target;
}
