/**
 * P1, BuildKit's side: the same edit-rebuild of a service through build-push's buildkit builder
 * on a real BuildKit (v0.24.0, installed by setup-buildkit from the release archive, buildkitd
 * kept warm across rounds), with the idiomatic cross-compiling Dockerfile: the Go stage on the
 * build platform, `RUN --mount=type=cache` for GOCACHE, GOARCH per target. Needs root, runc and
 * the archive (GANTRY_BUILDKIT_ARCHIVE, else ../shared/tools/); says why when it cannot run.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { toBlob } from '../src/oci/manifest.js';
import { MediaType } from '../src/oci/mediatypes.js';
import { RegistryClient } from '../src/oci/registry/client.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { Job } from '../test/harness/runner.js';
import { startServer } from '../test/integration/support/http.js';
import type { RunningRegistry } from '../test/integration/support/registry.js';
import { crossCompileDockerfile } from './lib/dockerfile.js';
import { timed } from './lib/table.js';

const run = promisify(execFile);
const VERSION = 'v0.24.0';
const ASSET = `buildkit-${VERSION}.linux-amd64.tar.gz`;
const ARCHIVE =
  process.env.GANTRY_BUILDKIT_ARCHIVE ?? resolve(REPO_ROOT, '..', 'shared/tools', ASSET);

/** Why BuildKit cannot be measured here, or undefined. */
export function buildkitMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'buildkitd needs root';
  if (!existsSync(ARCHIVE))
    return `no BuildKit release archive (set GANTRY_BUILDKIT_ARCHIVE to ${ASSET})`;
  return undefined;
}

/**
 * Times `rounds` edit-rebuilds with BuildKit. The Go image buildah made (for this machine's
 * architecture) is pushed to the registry and listed for both platforms: the build stage runs
 * on the build platform whichever platform is the target.
 */
export async function timeBuildkit(o: {
  name: string;
  dir: string;
  edit: () => void;
  rounds: number;
  registry: RunningRegistry;
  buildah: { bin: string; storage: string[]; goroot: string };
}): Promise<number[]> {
  await run(o.buildah.bin, [
    ...o.buildah.storage,
    'push',
    '--tls-verify=false',
    '--format',
    'oci',
    'localhost/gantry-bench-go:local',
    `docker://${o.registry.host}/bench/go:image`,
  ]);
  const client = new RegistryClient(o.registry.host);
  const image = await client.getManifest('bench/go', 'image');
  const desc = { mediaType: image.mediaType, digest: image.digest, size: image.bytes.length };
  // one image under both platforms (buildIndex would keep a digest once)
  const blob = toBlob(MediaType.ociIndex, {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: ['amd64', 'arm64'].map((architecture) => ({
      ...desc,
      platform: { os: 'linux', architecture },
    })),
  });
  await client.putManifest('bench/go', blob.digest, blob);
  await client.putManifest('bench/go', 'local', blob);
  client.close();

  writeFileSync(
    resolve(o.dir, 'Dockerfile.buildkit'),
    `ARG REGISTRY\n${crossCompileDockerfile({
      name: o.name,
      goroot: o.buildah.goroot,
      from: 'FROM --platform=$BUILDPLATFORM ${REGISTRY}/bench/go:local',
    })}`,
  );
  const archive = readFileSync(ARCHIVE);
  const server = await startServer();
  server.routes.set(`/moby/buildkit/releases/download/${VERSION}/${ASSET}`, { body: archive });
  const job = await Job.create({ workspace: o.dir });
  try {
    const setup = await job.uses('actions/setup-buildkit', {
      with: {
        version: VERSION,
        mirror: server.url,
        checksum: createHash('sha256').update(archive).digest('hex'),
        'insecure-registries': o.registry.host,
      },
    });
    if (setup.exitCode !== 0) throw new Error(`setup-buildkit failed: ${setup.errors.join('; ')}`);
    const build = async () => {
      const r = await job.uses('actions/build-push', {
        with: {
          builder: 'buildkit',
          file: 'Dockerfile.buildkit',
          'build-args': `REGISTRY=${o.registry.host}`,
          platforms: 'linux/amd64,linux/arm64',
          images: `${o.registry.host}/${o.name}-buildkit`,
          tags: 'bench',
        },
      });
      if (r.exitCode !== 0) throw new Error(`build-push (buildkit) failed: ${r.errors.join('; ')}`);
    };
    o.edit();
    await build(); // warm the daemon, its cache mount and its layer cache
    const times: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      o.edit();
      times.push(await timed(build));
    }
    return times;
  } finally {
    await job.runPosts();
    await job.cleanup();
    server.close();
  }
}
