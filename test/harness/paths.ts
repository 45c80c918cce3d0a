import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/harness/paths.ts; a bundled bench sets GANTRY_REPO_ROOT). */
export const REPO_ROOT =
  process.env.GANTRY_REPO_ROOT ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Real upstream outputs live in shared/fixtures beside the repository. */
export function fixturesDir(): string {
  const dir = process.env.GANTRY_FIXTURES ?? resolve(REPO_ROOT, '..', 'shared', 'fixtures');
  if (!existsSync(dir)) {
    throw new Error(
      `Fixtures not found at ${dir}: check out shared/ beside the repository or set GANTRY_FIXTURES`,
    );
  }
  return dir;
}

export function fixture(...parts: string[]): string {
  return join(fixturesDir(), ...parts);
}
