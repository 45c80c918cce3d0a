import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireGo } from './require.js';

const run = promisify(execFile);

/** Where Debian's golang-github-google-go-containerregistry-dev puts the sources (GOPATH mode). */
export const GOCODE = '/usr/share/gocode';
const CRANE = 'github.com/google/go-containerregistry/cmd/crane';
export const CRANE_PACKAGE = 'golang-github-google-go-containerregistry-dev (bookworm-backports)';

/** Why crane cannot be built here ('' when it can). */
export function craneMissing(): string {
  return existsSync(join(GOCODE, 'src', CRANE))
    ? ''
    : `go-containerregistry's sources are not in ${GOCODE}: install ${CRANE_PACKAGE}`;
}

/**
 * go-containerregistry's crane — an independent registry client, validator and copy peer —
 * built from Debian's sources in GOPATH mode into `dir` (its Go build cache there too, so
 * nothing is left outside it). About a minute and a half on two cores.
 */
export async function buildCrane(dir: string): Promise<string> {
  const why = craneMissing();
  if (why) throw new Error(why);
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'crane');
  await run(requireGo(), ['build', '-o', bin, CRANE], {
    env: {
      ...process.env,
      GOPATH: GOCODE,
      GO111MODULE: 'off',
      GOFLAGS: '',
      GOTOOLCHAIN: 'local',
      GOCACHE: join(dir, 'go-build'),
    },
    maxBuffer: 16 << 20,
  });
  return bin;
}

/** crane with `args` (plain HTTP to the loopback registries); its stdout. */
export async function crane(bin: string, args: string[]): Promise<string> {
  const { stdout } = await run(bin, [...args, '--insecure'], { maxBuffer: 64 << 20 });
  return stdout;
}
