/**
 * build-push with builder: buildkit on the real BuildKit v0.24.0 (buildctl + buildkitd, runc, no
 * Docker), installed by setup-buildkit from a loopback mirror laid out like GitHub's release
 * downloads. The archive is a real part named by its path (GANTRY_BUILDKIT_ARCHIVE, else
 * shared/tools/ beside the repository, which a clone does not have): without it these tests are
 * skipped, and say so. The stand-in tests (build-push-builders) keep checking the argv.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../src/oci/digest.js';
import { buildIndex } from '../../src/oci/index.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { formatPlatform } from '../../src/oci/platform.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { Job } from '../harness/runner.js';
import {
  BUILDKIT_VERSION as VERSION,
  buildkitMissing as why,
  serveBuildkitRelease,
} from './support/buildkit-release.js';
import { startServer, type TestServer } from './support/http.js';
import { makeImage } from './support/image.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { requireProgram, requireRoot } from './support/require.js';
import { skopeoInspectRaw } from './support/skopeo.js';
import { commitAll } from './support/workspace.js';
import { execFileSync } from 'node:child_process';

if (why) console.log(`SKIPPED: build-push on the real BuildKit: ${why}`);
const describeReal = why ? describe.skip : describe;

const ANNOTATION = 'org.opencontainers.image.title';

let registry: RunningRegistry;
let server: TestServer;
let work: string;
let checksum: string;
const baseDigests: Record<string, Record<string, string>> = {};

/** A two-platform base (files only: the Dockerfile COPYs, so nothing runs under emulation). */
async function pushBase(
  repository: string,
  marker: string,
  arches: readonly string[] = ['amd64', 'arm64'],
): Promise<void> {
  const client = new RegistryClient(registry.host);
  const images = arches.map((arch) => {
    const dir = join(work, `${repository.replace(/\//g, '-')}-${arch}`);
    mkdirSync(dir, { recursive: true });
    return makeImage(dir, { os: 'linux', architecture: arch }, [
      { [`${marker}-release`]: `${marker} for ${arch}\n` },
    ]);
  });
  await publish(
    new RegistryTarget(client, repository),
    images,
    buildIndex(images.map((i) => i.descriptor)).blob,
    ['1'],
  );
  baseDigests[repository] = Object.fromEntries(
    images.map((i) => [formatPlatform(i.descriptor.platform!), i.descriptor.digest]),
  );
  client.close();
}

function serviceWorkspace(dockerfile: string): string {
  const dir = mkdtempSync(join(work, 'ws-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello from gantry\n');
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  commitAll(dir, 'service', '2024-05-01T12:00:00Z');
  return dir;
}

const DOCKERFILE = (host: string) => `ARG REGISTRY=${host}
FROM \${REGISTRY}/base/builder:1 AS build
COPY hello.txt /out/hello.txt

FROM \${REGISTRY}/base/runtime:1
COPY --from=build /out /srv
`;

/** A job with BuildKit installed from the mirror and its daemon started (stopped by post). */
async function buildkitJob(workspace: string, insecure: string[] = []): Promise<Job> {
  const job = await Job.create({ workspace });
  const setup = await job.uses('actions/setup-buildkit', {
    with: {
      version: VERSION,
      mirror: server.url,
      checksum,
      'insecure-registries': [registry.host, ...insecure].join(','),
    },
  });
  if (setup.exitCode !== 0) throw new Error(`setup-buildkit failed:\n${setup.log}`);
  return job;
}

/** build-push with the buildkit builder, both platforms, to app:<tag>. */
function buildBoth(job: Job, tag: string, more: Record<string, string> = {}) {
  return job.uses('actions/build-push', {
    with: {
      builder: 'buildkit',
      platforms: 'linux/amd64,linux/arm64',
      images: `${registry.host}/app`,
      tags: tag,
      ...more,
    },
  });
}

async function inspect(ref: string): Promise<{ raw: Buffer; json: ImageIndex & ImageManifest }> {
  const raw = await skopeoInspectRaw(ref);
  return { raw, json: JSON.parse(raw.toString()) as ImageIndex & ImageManifest };
}

beforeAll(async () => {
  if (why) return;
  requireRoot('buildkitd runs containers with runc as root');
  requireProgram('runc', 'runc');
  work = mkdtempSync(join(tmpdir(), 'buildkit-real-'));
  server = await startServer();
  checksum = serveBuildkitRelease(server);
  registry = await startRegistry();
  await pushBase('base/builder', 'builder');
  await pushBase('base/runtime', 'runtime');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describeReal('build-push on the real BuildKit', () => {
  it('pushes a two-platform index with the annotations input and every stage base; a clean rebuild of the commit gives the same digest', async () => {
    const ws = serviceWorkspace(DOCKERFILE(registry.host));
    const digests: string[] = [];
    for (const round of [1, 2]) {
      // each round a fresh job: a new buildkitd with an empty state, a clean build
      const job = await buildkitJob(ws);
      try {
        const run = await buildBoth(job, `round${round}`, {
          annotations: `${ANNOTATION}=gantry on BuildKit`,
        });
        expect(run.errors).toEqual([]);
        digests.push(run.outputs.digest!);
        const { raw, json: index } = await inspect(`${registry.host}/app:round${round}`);
        expect(sha256Digest(raw)).toBe(run.outputs.digest);
        expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
        expect(index.annotations?.[ANNOTATION]).toBe('gantry on BuildKit');
        expect(index.annotations?.['org.opencontainers.image.base.name']).toBe(
          `${registry.host}/base/runtime:1`,
        );
        const stages = JSON.parse(index.annotations!['dev.gantry.base.stages']!) as {
          stage: string;
          name: string;
        }[];
        expect(stages.map((s) => [s.stage, s.name])).toEqual([
          ['build', `${registry.host}/base/builder:1`],
          ['1', `${registry.host}/base/runtime:1`],
        ]);
        const platformDigests = JSON.parse(run.outputs['platform-digests']!) as Record<
          string,
          string
        >;
        expect(Object.keys(platformDigests)).toEqual(['linux/amd64', 'linux/arm64']);
        for (const [platform, digest] of Object.entries(platformDigests)) {
          const { json: manifest } = await inspect(`${registry.host}/app@${digest}`);
          // each platform's image names the base it was built on, for that platform
          expect(manifest.annotations?.['org.opencontainers.image.base.digest']).toBe(
            baseDigests['base/runtime']![platform],
          );
          const perStage = JSON.parse(manifest.annotations!['dev.gantry.base.stages']!) as {
            digest: string;
          }[];
          expect(perStage.map((s) => s.digest)).toEqual([
            baseDigests['base/builder']![platform],
            baseDigests['base/runtime']![platform],
          ]);
        }
      } finally {
        await job.runPosts();
        await job.cleanup();
      }
    }
    expect(digests[1]).toBe(digests[0]);
  }, 240_000);

  it('a moved builder-stage base: rebuild-check names the stage on every platform, and a rebase does not do', async () => {
    const before = { ...baseDigests['base/builder']! };
    const check = async () => {
      const job = await Job.create({ workspace: serviceWorkspace(DOCKERFILE(registry.host)) });
      try {
        const run = await job.uses('actions/rebuild-check', {
          with: { image: `${registry.host}/app:round1`, 'go-versions': 'none' },
        });
        expect(run.errors).toEqual([]);
        return { ...run.outputs, reasons: JSON.parse(run.outputs.reasons!) as unknown[] };
      } finally {
        await job.cleanup();
      }
    };
    expect(await check()).toMatchObject({ needed: 'false', reasons: [] });
    await pushBase('base/builder', 'builder-v2');
    const r = await check();
    expect(r).toMatchObject({ needed: 'true', rebase: 'false' });
    expect(r.reasons).toEqual(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({
        platform,
        what: 'stage build',
        from: `${registry.host}/base/builder:1@${before[platform]}`,
        to: `${registry.host}/base/builder:1@${baseDigests['base/builder']![platform]}`,
      })),
    );
  });

  it('a build stage on $BUILDPLATFORM needs its base for BuildKit’s platform only, and each image says so', async () => {
    // BuildKit here is the linux/amd64 release: its build platform
    await pushBase('base/native', 'native', ['amd64']);
    const ws = serviceWorkspace(
      DOCKERFILE(registry.host).replace(
        'FROM ${REGISTRY}/base/builder:1 AS build',
        'FROM --platform=$BUILDPLATFORM ${REGISTRY}/base/native:1 AS build',
      ),
    );
    const job = await buildkitJob(ws);
    try {
      const run = await buildBoth(job, 'native');
      expect(run.errors).toEqual([]);
      const platformDigests = JSON.parse(run.outputs['platform-digests']!) as Record<
        string,
        string
      >;
      for (const [platform, digest] of Object.entries(platformDigests)) {
        const { json: manifest } = await inspect(`${registry.host}/app@${digest}`);
        expect(JSON.parse(manifest.annotations!['dev.gantry.base.stages']!)).toEqual([
          {
            stage: 'build',
            name: `${registry.host}/base/native:1`,
            digest: baseDigests['base/native']!['linux/amd64'],
            platform: 'linux/amd64',
          },
          {
            stage: '1',
            name: `${registry.host}/base/runtime:1`,
            digest: baseDigests['base/runtime']![platform],
          },
        ]);
      }
      // and the check reads the build stage back as BuildKit's platform: current
      const check = await job.uses('actions/rebuild-check', {
        with: { image: `${registry.host}/app:native`, 'go-versions': 'none' },
      });
      expect(check.errors).toEqual([]);
      expect(check.outputs.needed).toBe('false');
    } finally {
      await job.runPosts();
      await job.cleanup();
    }
  }, 240_000);

  it('FROM base-${TARGETARCH}: each platform built on its own stage’s base, as BuildKit resolves the automatic platform ARGs', async () => {
    const ws = serviceWorkspace(`ARG REGISTRY=${registry.host}
FROM \${REGISTRY}/base/runtime:1 AS base-amd64
FROM \${REGISTRY}/base/builder:1 AS base-arm64
FROM base-\${TARGETARCH}
ARG TARGETOS TARGETARCH
COPY hello.txt /srv/hello-\${TARGETOS}-\${TARGETARCH}.txt
`);
    const job = await buildkitJob(ws);
    try {
      const run = await buildBoth(job, 'per-arch');
      expect(run.errors).toEqual([]);
      const platformDigests = JSON.parse(run.outputs['platform-digests']!) as Record<
        string,
        string
      >;
      const want: Record<string, string> = {
        'linux/amd64': 'base/runtime',
        'linux/arm64': 'base/builder',
      };
      for (const [platform, digest] of Object.entries(platformDigests)) {
        const { json: manifest } = await inspect(`${registry.host}/app@${digest}`);
        expect([
          manifest.annotations!['org.opencontainers.image.base.name'],
          manifest.annotations!['org.opencontainers.image.base.digest'],
        ]).toEqual([
          `${registry.host}/${want[platform]}:1`,
          baseDigests[want[platform]!]![platform],
        ]);
      }
      // the index names no one base: its platforms have two
      const { json: index } = await inspect(`${registry.host}/app:per-arch`);
      expect(index.annotations?.['org.opencontainers.image.base.name']).toBeUndefined();
    } finally {
      await job.runPosts();
      await job.cleanup();
    }
  }, 240_000);

  it('one build to two registries with different logins: one from username/password, one as docker/login-action wrote it', async () => {
    const user = { username: 'ci', password: 'buildkit-s3cret-never-printed' };
    const other = { username: 'hub', password: 'second-s3cret-never-printed' };
    const locked = await startRegistry({ htpasswd: user });
    const second = await startRegistry({ htpasswd: other });
    const ws = serviceWorkspace(DOCKERFILE(registry.host));
    const dockerConfig = mkdtempSync(join(work, 'docker-'));
    writeFileSync(
      join(dockerConfig, 'config.json'),
      JSON.stringify({
        auths: {
          [second.host]: {
            auth: Buffer.from(`${other.username}:${other.password}`).toString('base64'),
          },
        },
      }),
    );
    const job = await buildkitJob(ws, [locked.host, second.host]);
    try {
      const run = await job.uses('actions/build-push', {
        with: {
          builder: 'buildkit',
          platforms: 'linux/amd64,linux/arm64',
          images: `${locked.host}/app\n${second.host}/app`,
          tags: 'locked',
          username: user.username,
          password: user.password,
        },
        env: { DOCKER_CONFIG: dockerConfig },
      });
      expect(run.errors).toEqual([]);
      for (const secret of [user.password, other.password]) expect(run.log).not.toContain(secret);
      for (const [host, creds] of [
        [locked.host, user],
        [second.host, other],
      ] as const) {
        const raw = await skopeoInspectRaw(`${host}/app:locked`, {
          creds: `${creds.username}:${creds.password}`,
        });
        expect(sha256Digest(raw)).toBe(run.outputs.digest);
      }
      // the runner's docker config is as it was: the inputs' login went to a private copy
      expect(
        Object.keys(JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')).auths),
      ).toEqual([second.host]);
    } finally {
      await job.runPosts();
      await job.cleanup();
      await locked.stop();
      await second.stop();
    }
  }, 240_000);

  it('writes an OCI layout whose ref names are the tags output; one platform is still an index', async () => {
    const ws = serviceWorkspace(DOCKERFILE(registry.host));
    const job = await buildkitJob(ws);
    try {
      const layout = join(job.runnerTemp, 'layout');
      const run = await job.uses('actions/build-push', {
        with: {
          builder: 'buildkit',
          platforms: 'linux/arm64',
          tags: 'v1\nlatest',
          'oci-layout': layout,
          push: 'false',
        },
      });
      expect(run.errors).toEqual([]);
      const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as ImageIndex;
      expect(
        index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']),
      ).toEqual(run.outputs.tags!.split('\n'));
      expect(new Set(index.manifests.map((m) => m.digest))).toEqual(new Set([run.outputs.digest]));
      const top = JSON.parse(
        readFileSync(join(layout, 'blobs', 'sha256', run.outputs.digest!.slice(7)), 'utf8'),
      ) as ImageIndex;
      expect(top.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(top.manifests.map((m) => formatPlatform(m.platform!))).toEqual(['linux/arm64']);
      expect(Object.values(JSON.parse(run.outputs['platform-digests']!) as object)).toEqual([
        top.manifests[0]!.digest,
      ]);
      // skopeo reads it by each ref name
      for (const tag of ['v1', 'latest'])
        execFileSync('skopeo', ['inspect', '--raw', `oci:${layout}:${tag}`]);
    } finally {
      await job.runPosts();
      await job.cleanup();
    }
  }, 180_000);

  it('a Dockerfile typo and a dead daemon each give one line that starts with the cause', async () => {
    const ws = serviceWorkspace(
      DOCKERFILE(registry.host).replace('COPY hello.txt', 'COPPY hello.txt'),
    );
    const job = await buildkitJob(ws);
    try {
      const typo = await job.uses('actions/build-push', {
        with: { builder: 'buildkit', platforms: 'linux/amd64', images: `${registry.host}/typo` },
      });
      expect(typo.exitCode).toBe(1);
      expect(typo.errors).toHaveLength(1);
      expect(typo.errors[0]).toMatch(
        /^buildctl build failed \(exit 1\): failed to solve: dockerfile parse error on line 3: unknown instruction: COPPY/,
      );
      expect(typo.log).not.toMatch(/^\s+at /m);
      const dead = await job.uses('actions/build-push', {
        with: { builder: 'buildkit', platforms: 'linux/amd64', images: `${registry.host}/dead` },
        env: { BUILDKIT_HOST: `unix://${join(job.runnerTemp, 'no-such.sock')}` },
        // the typo failed the job: this step runs as an `if: always()` step would
        if: 'always()',
      });
      expect(dead.errors).toEqual([
        expect.stringMatching(
          /^BuildKit does not answer at unix:\/\/.*no-such\.sock \(failed to list workers: .*no such file or directory"?\); start it with setup-buildkit/,
        ),
      ]);
      // nothing was pushed for either
      const client = new RegistryClient(registry.host);
      expect(await client.listTags('typo').catch(() => [])).toEqual([]);
      expect(await client.listTags('dead').catch(() => [])).toEqual([]);
      client.close();
    } finally {
      await job.runPosts();
      await job.cleanup();
    }
  }, 180_000);
});
