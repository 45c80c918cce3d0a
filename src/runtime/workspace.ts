import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ValidationError } from './errors.js';
import { runnerTemp } from './temp.js';

/**
 * The workspace boundary: every path input of every action is resolved here, so none can read or
 * write outside the checkout (and, for files the job makes, RUNNER_TEMP), whether by `..`, an
 * absolute path or a symbolic link on the way.
 */

/** Set by go-cache when it moves a GOPATH-mode checkout: the workspace's entries link there. */
export const CHECKOUT_ENV = 'GANTRY_WORKSPACE_CHECKOUT';

/** Where a path input may lie: the checkout, or also the job's temp dir (files the job makes). */
export type PathScope = 'workspace' | 'workspace-or-temp';

export function workspaceRoot(): string {
  return resolve(process.env.GITHUB_WORKSPACE || process.cwd());
}

/** Is `path` the same as `root` or below it (both absolute)? */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

/**
 * The path with every link resolved: the real path of the longest prefix that exists, the rest
 * appended. A dangling link on the way has no real place: undefined.
 */
export function physicalPath(path: string): string | undefined {
  const rest: string[] = [];
  let head = path;
  for (;;) {
    try {
      return join(realpathSync(head), ...rest);
    } catch {
      if (isLink(head)) return undefined;
      const parent = dirname(head);
      if (parent === head) return undefined;
      rest.unshift(basename(head));
      head = parent;
    }
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function realRoots(scope: PathScope): string[] {
  const roots = [workspaceRoot()];
  const checkout = process.env[CHECKOUT_ENV];
  if (checkout) roots.push(resolve(checkout));
  if (scope === 'workspace-or-temp') roots.push(resolve(runnerTemp()));
  return roots.flatMap((r) => [r, physicalPath(r) ?? r]);
}

function scopeWords(scope: PathScope): string {
  return scope === 'workspace' ? 'the workspace' : 'the workspace or RUNNER_TEMP';
}

export interface PathRule {
  scope?: PathScope;
  /** It must exist and be this. Without it the path may not exist yet (an output). */
  kind?: 'file' | 'dir';
  /** What the input accepts, for the error. */
  accepted: string;
  /** Where a relative path starts (inside the workspace); default the workspace root. */
  from?: string;
  /**
   * Absolute paths anywhere are taken: for the few inputs whose place lies outside the checkout by
   * nature (a GOPATH, a cache kept between runs), each saying why in its action.yml.
   */
  absoluteAllowed?: boolean;
}

/**
 * Resolves a path input (relative to the workspace) and checks it stays inside the scope both as
 * written and with every link followed; the error names the input and what it accepts.
 */
export function resolveInside(input: string, given: string, rule: PathRule): string {
  const scope = rule.scope ?? 'workspace';
  const path = resolve(rule.from ?? workspaceRoot(), given);
  const fail = (detail: string): never => {
    throw new ValidationError(input, given, rule.accepted, detail);
  };
  if (!(rule.absoluteAllowed && isAbsolute(given))) {
    const roots = realRoots(scope);
    if (!roots.some((r) => isWithin(r, path))) fail(`outside ${scopeWords(scope)}`);
    const physical = physicalPath(path);
    if (physical === undefined) fail('a link on the way leads nowhere');
    if (!roots.some((r) => isWithin(r, physical!)))
      fail(`a link leads outside ${scopeWords(scope)}`);
  }
  if (rule.kind) {
    let st;
    try {
      st = statSync(path);
    } catch {
      return fail(`no such ${rule.kind === 'dir' ? 'directory' : 'file'}`);
    }
    if (rule.kind === 'dir' && !st.isDirectory()) fail('not a directory');
    if (rule.kind === 'file' && !st.isFile()) fail('not a file');
  }
  return path;
}
