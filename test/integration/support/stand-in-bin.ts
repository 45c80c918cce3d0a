import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../harness/paths.js';

/** A directory to put on a job's PATH where each tool name is its STAND-IN (support/standins/<tool>.mjs). */
export function standInBin(dir: string, tools: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of tools)
    symlinkSync(
      join(REPO_ROOT, 'test/integration/support/standins', `${tool}.mjs`),
      join(dir, tool),
    );
  return dir;
}
