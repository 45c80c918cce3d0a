import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { HitKind } from './backend.js';

export interface KeyParts {
  prefix: string;
  os: string;
  arch: string;
  goVersion: string;
  /** Hash of the dependency files (go.sum, go.work.sum, a checked-in vendor/modules.txt). */
  depsHash: string;
}

export interface EntryKeys {
  key: string;
  restoreKeys: string[];
}

function base(p: KeyParts, kind: string): string {
  return `${p.prefix}-${kind}-${p.os}-${p.arch}`;
}

/**
 * Modules (GOMODCACHE, an untracked vendor/) are a function of the dependency files: one entry per
 * hash; fallbacks are the same Go with other dependencies, then any Go.
 */
export function moduleKeys(p: KeyParts): EntryKeys {
  const go = `${base(p, 'mod')}-${p.goVersion}`;
  return { key: `${go}-${p.depsHash}`, restoreKeys: [`${go}-`, `${base(p, 'mod')}-`] };
}

/**
 * The build cache changes with every edit, and cache entries are immutable, so it is saved as
 * `<key>-<fingerprint of its contents>`: the key itself is never stored, a restore of `<key>-…`
 * is exact, and an unchanged cache is not saved twice.
 */
export function buildKeys(p: KeyParts): EntryKeys {
  const go = `${base(p, 'build')}-${p.goVersion}`;
  const key = `${go}-${p.depsHash}`;
  return { key, restoreKeys: [`${key}-`, `${go}-`, `${base(p, 'build')}-`] };
}

export function hitKind(keys: EntryKeys, matched: string | undefined): HitKind {
  if (matched === undefined) return 'none';
  return matched === keys.key || matched.startsWith(`${keys.key}-`) ? 'exact' : 'partial';
}

const DEP_FILES = new Set(['go.sum', 'go.work.sum']);
const SKIP = new Set(['node_modules', 'testdata']);

/**
 * Hashes every go.sum and go.work.sum under root (Go's own skips: dot, underscore, testdata), and
 * vendor/modules.txt when vendor/ is part of the checkout. Paths are hashed with contents, so
 * moving a module changes the key.
 */
/** The dependency hash of a module with no go.sum, go.work.sum or vendor/modules.txt. */
export const NO_DEPENDENCIES = 'nodeps';

export async function hashDependencyFiles(
  root: string,
  vendorInCheckout: boolean,
): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name.startsWith('_') || SKIP.has(e.name)) continue;
        if (e.name === 'vendor') {
          if (vendorInCheckout) files.push(join(path, 'modules.txt'));
          continue;
        }
        await walk(path);
      } else if (DEP_FILES.has(e.name)) {
        files.push(path);
      }
    }
  };
  await walk(root);
  const hash = createHash('sha256');
  let found = 0;
  for (const file of files.sort()) {
    const body = await readFile(file).catch(() => undefined);
    if (!body) continue;
    found++;
    hash.update(`${relative(root, file)}\0${body.length}\0`);
    hash.update(body);
  }
  return found ? hash.digest('hex').slice(0, 16) : NO_DEPENDENCIES;
}
