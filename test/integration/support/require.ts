import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the test needs; a missing one fails the test saying what to install. */
export function requireProgram(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw new Error(
    `${name} is not on PATH: install the Debian package ${debianPackage} (bash .ci/run installs every test dependency)`,
  );
}

export function requireRoot(why: string): void {
  if (process.getuid?.() !== 0) throw new Error(`This test must run as root: ${why}`);
}

/** The go toolchain: GANTRY_GO, or go on PATH (Debian: golang-1.23-go from bookworm-backports). */
export function requireGo(): string {
  if (process.env.GANTRY_GO) return process.env.GANTRY_GO;
  const go = requireProgram(
    'go',
    'golang-1.23-go (from bookworm-backports; put its bin directory on PATH)',
  );
  const version = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  const m = /^go1\.(\d+)/.exec(version);
  if (!m || Number(m[1]) < 22)
    throw new Error(`${go} is ${version}; tests need Go 1.22 or newer (golang-1.23-go)`);
  return go;
}
