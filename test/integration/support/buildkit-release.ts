import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../../harness/paths.js';
import type { TestServer } from './http.js';

/**
 * The real BuildKit release archive, a real part named by its path (GANTRY_BUILDKIT_ARCHIVE, else
 * shared/tools/ beside the repository, which a clone does not have), served by a loopback mirror
 * laid out like GitHub's release downloads. Without it the tests that need it are skipped, and
 * say so.
 */
export const BUILDKIT_VERSION = 'v0.24.0';
const ASSET = `buildkit-${BUILDKIT_VERSION}.linux-amd64.tar.gz`;
const ARCHIVE =
  process.env.GANTRY_BUILDKIT_ARCHIVE ?? resolve(REPO_ROOT, '..', 'shared/tools', ASSET);

/** Why the real BuildKit cannot run here ('' when it can). */
export const buildkitMissing =
  process.arch !== 'x64'
    ? `the BuildKit archive is for linux-amd64, this is ${process.arch}`
    : !existsSync(ARCHIVE)
      ? `no BuildKit release archive at ${ARCHIVE} (set GANTRY_BUILDKIT_ARCHIVE to ${ASSET})`
      : '';

/** Serves the archive on `server` as its release download; its sha256, which must be given. */
export function serveBuildkitRelease(server: TestServer): string {
  const archive = readFileSync(ARCHIVE);
  server.routes.set(`/moby/buildkit/releases/download/${BUILDKIT_VERSION}/${ASSET}`, {
    body: archive,
  });
  return createHash('sha256').update(archive).digest('hex');
}
