import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../src/oci/digest.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { formatPlatform } from '../../src/oci/platform.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { runAction } from '../harness/runner.js';
import { makeImage, type TestImage } from './support/image.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { skopeoCopyToOci, skopeoInspectRaw } from './support/skopeo.js';

const ACTION = 'actions/merge';
const USER = { username: 'matrix', password: 'merge-s3cret-never-printed' };
const CREDS = `${USER.username}:${USER.password}`;

let work: string;
let registry: RunningRegistry;
let amd64: TestImage;
let arm64: TestImage;
let amd64b: TestImage;

/** As each runner of a matrix would: push one platform's image by digest, no tag. */
async function pushByDigest(image: TestImage, repository: string): Promise<void> {
  const client = new RegistryClient(registry.host, { credentials: USER });
  try {
    await publish(new RegistryTarget(client, repository), [image], image.manifest, []);
  } finally {
    client.close();
  }
}

async function merge(inputs: Record<string, string>) {
  const { job, main } = await runAction(ACTION, {
    with: { username: USER.username, password: USER.password, ...inputs },
  });
  await job.cleanup();
  expect(main.log).not.toContain(USER.password);
  return main;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'merge-it-'));
  mkdirSync(join(work, 'amd64'));
  mkdirSync(join(work, 'arm64'));
  amd64 = makeImage(join(work, 'amd64'), { os: 'linux', architecture: 'amd64' }, [
    { hello: 'built on an amd64 runner' },
  ]);
  arm64 = makeImage(join(work, 'arm64'), { os: 'linux', architecture: 'arm64' }, [
    { hello: 'built on an arm64 runner' },
  ]);
  mkdirSync(join(work, 'amd64b'));
  amd64b = makeImage(join(work, 'amd64b'), { os: 'linux', architecture: 'amd64' }, [
    { hello: 'another amd64 build' },
  ]);
  registry = await startRegistry({ htpasswd: USER });
  await pushByDigest(amd64, 'app');
  await pushByDigest(arm64, 'app');
  await pushByDigest(amd64b, 'app');
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('merge', () => {
  it('assembles one index from two images pushed by digest and tags it twice', async () => {
    const h = registry.host;
    const main = await merge({
      sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${arm64.manifest.digest}`,
      tags: `${h}/app:v1\n${h}/app:latest`,
      annotations: 'org.opencontainers.image.source=https://github.com/gantry-test/service',
    });
    expect(main.errors).toEqual([]);
    expect(main.exitCode).toBe(0);
    const raw = await skopeoInspectRaw(`${h}/app:v1`, { creds: CREDS });
    expect(sha256Digest(raw)).toBe(main.outputs.digest);
    expect(main.outputs.image).toBe(`${h}/app@${main.outputs.digest}`);
    expect((await skopeoInspectRaw(`${h}/app:latest`, { creds: CREDS })).equals(raw)).toBe(true);
    const index = JSON.parse(raw.toString()) as ImageIndex;
    expect(index.manifests.map((m) => [m.digest, formatPlatform(m.platform!)])).toEqual([
      [amd64.manifest.digest, 'linux/amd64'],
      [arm64.manifest.digest, 'linux/arm64'],
    ]);
    expect(index.annotations).toEqual({
      'org.opencontainers.image.source': 'https://github.com/gantry-test/service',
    });

    const reordered = await merge({
      sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${arm64.manifest.digest}`,
      tags: `${h}/app:latest, ${h}/app:v1`,
      annotations: 'org.opencontainers.image.source=https://github.com/gantry-test/service',
    });
    expect(reordered.outputs.digest).toBe(main.outputs.digest);
  });

  it('takes tags as build-push does: metadata-action rules and bare tags on images, from the git tag pushed', async () => {
    const h = registry.host;
    const { job, main } = await runAction(ACTION, {
      event: { name: 'push', payload: { ref: 'refs/tags/v2.3.4' } },
      with: {
        username: USER.username,
        password: USER.password,
        sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${arm64.manifest.digest}`,
        images: `${h}/ruled`,
        tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\nstable',
        flavor: 'latest = false',
      },
    });
    await job.cleanup();
    expect(main.errors).toEqual([]);
    for (const tag of ['2.3.4', '2.3', 'stable'])
      expect(sha256Digest(await skopeoInspectRaw(`${h}/ruled:${tag}`, { creds: CREDS }))).toBe(
        main.outputs.digest,
      );
    // latest = false: no latest, though the tag is a release
    await expect(skopeoInspectRaw(`${h}/ruled:latest`, { creds: CREDS })).rejects.toThrow();
    expect(main.outputs.image).toBe(`${h}/ruled@${main.outputs.digest}`);
  });

  it('merges into another repository by mounting, and the result copies whole', async () => {
    const h = registry.host;
    const main = await merge({
      sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${arm64.manifest.digest}`,
      tags: `${h}/release/app:1.0.0`,
    });
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(/copied 2 manifests, 0 bytes uploaded, 4 blobs mounted/);
    expect(
      await skopeoCopyToOci(`${h}/release/app:1.0.0`, mkdtempSync(join(work, 'copy-')), {
        creds: CREDS,
      }),
    ).toBe(main.outputs.digest);
  });

  it('takes an index as a source and keeps its children', async () => {
    const h = registry.host;
    const first = await merge({
      sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${arm64.manifest.digest}`,
      tags: `${h}/app:pair`,
    });
    const again = await merge({
      sources: `${h}/app@${first.outputs.digest}`,
      tags: `${h}/app:pair-again`,
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.digest).toBe(first.outputs.digest);
  });

  it('lists an image named twice once, and rejects two different images of one platform', async () => {
    const h = registry.host;
    const twice = await merge({
      sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${amd64.manifest.digest}`,
      tags: `${h}/app:dup`,
    });
    expect(twice.exitCode).toBe(0);
    const index = JSON.parse(
      (await skopeoInspectRaw(`${h}/app:dup`, { creds: CREDS })).toString(),
    ) as ImageIndex;
    expect(index.manifests).toHaveLength(1);

    const clash = await merge({
      sources: `${h}/app@${amd64.manifest.digest}\n${h}/app@${amd64b.manifest.digest}`,
      tags: `${h}/app:clash`,
    });
    expect(clash.exitCode).toBe(1);
    expect(clash.errors).toEqual([
      `sources: two manifests for linux/amd64: ${amd64.manifest.digest} and ${amd64b.manifest.digest}`,
    ]);
  });
});

describe('merge never tags an image with a blob missing', () => {
  it.each([
    ['into the repository that holds the sources (the manifest is there already)', 'broken'],
    ['into another repository', 'broken-release'],
  ])('%s: it fails naming the source, the manifest and the blob; no tag', async (_, repository) => {
    const h = registry.host;
    const dir = join(work, `broken-${repository}`);
    mkdirSync(dir);
    const image = makeImage(dir, { os: 'linux', architecture: 'arm64' }, [
      { hello: `an arm64 build that lost a layer (${repository})` },
    ]);
    await pushByDigest(image, 'broken');
    await pushByDigest(amd64, 'broken');
    const layer = (JSON.parse(image.manifest.bytes.toString()) as ImageManifest).layers[0]!.digest;
    // the layer is gone from the repository (garbage-collected, deleted by hand)
    const deleted = await fetch(`http://${h}/v2/broken/blobs/${layer}`, {
      method: 'DELETE',
      headers: { Authorization: `Basic ${Buffer.from(CREDS).toString('base64')}` },
    });
    expect(deleted.status).toBe(202);
    const started = Date.now();
    const main = await merge({
      sources: `${h}/broken@${amd64.manifest.digest}\n${h}/broken@${image.manifest.digest}`,
      tags: `${h}/${repository}:v1`,
    });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      `sources: ${h}/broken@${image.manifest.digest}: its manifest ${image.manifest.digest} names the blob ${layer}, which neither ${h}/broken nor ${h}/${repository} has; nothing was tagged`,
    ]);
    // said at once: a missing blob is no network trouble to retry
    expect(Date.now() - started).toBeLessThan(10_000);
    const client = new RegistryClient(h, { credentials: USER });
    try {
      expect(await client.headManifest(repository, 'v1')).toBeUndefined();
    } finally {
      client.close();
    }
  });
});

describe('merge credentials', () => {
  it('reads them from a docker config as docker/login-action writes it', async () => {
    const h = registry.host;
    const dockerConfig = mkdtempSync(join(work, 'docker-'));
    writeFileSync(
      join(dockerConfig, 'config.json'),
      JSON.stringify({ auths: { [h]: { auth: Buffer.from(CREDS).toString('base64') } } }),
    );
    const { job, main } = await runAction(ACTION, {
      with: { sources: `${h}/app@${amd64.manifest.digest}`, tags: `${h}/app:from-docker-config` },
      env: { DOCKER_CONFIG: dockerConfig },
    });
    await job.cleanup();
    expect(main.errors).toEqual([]);
    expect(main.exitCode).toBe(0);
    expect(main.log).not.toContain(USER.password);
  });
});

describe('merge input and registry errors', () => {
  const d = () => amd64.manifest.digest;
  it.each([
    [
      'a source without digest algorithm',
      () => ({ sources: `${registry.host}/app@${d().slice(7)}`, tags: `${registry.host}/app:x` }),
      /^Input "sources": missing algorithm \(expected sha256:<64 hex>\); got ".*"; accepted: image references pinned by digest/,
    ],
    [
      'an uppercase repository',
      () => ({ sources: `${registry.host}/App@${d()}`, tags: `${registry.host}/app:x` }),
      /^Input "sources": repository name must be lowercase; got/,
    ],
    [
      'empty sources',
      () => ({ sources: '', tags: `${registry.host}/app:x` }),
      /^Input "sources": no sources given; got ""/,
    ],
    [
      'a source without digest',
      () => ({ sources: `${registry.host}/app:v1`, tags: `${registry.host}/app:x` }),
      /^Input "sources": a source must be pinned by digest/,
    ],
    [
      'a tag without tag',
      () => ({ sources: `${registry.host}/app@${d()}`, tags: `${registry.host}/app` }),
      /^Input "tags": a full reference needs a tag and no digest; got "[^"]+\/app"/,
    ],
    [
      'a manifest annotation',
      () => ({
        sources: `${registry.host}/app@${d()}`,
        tags: `${registry.host}/app:x`,
        annotations: 'manifest:a=b',
      }),
      /^Input "annotations": merge annotates only the index/,
    ],
    [
      'a wrong password',
      () => ({
        sources: `${registry.host}/app@${d()}`,
        tags: `${registry.host}/app:x`,
        password: 'wrong-pass-word',
      }),
      /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/manifests\/sha256:[0-9a-f]{64}: 401 .* the credentials for 127\.0\.0\.1:\d+ were rejected$/,
    ],
    [
      'an unreachable registry',
      () => ({ sources: `127.0.0.1:9/app@${d()}`, tags: `127.0.0.1:9/app:x` }),
      /^GET https:\/\/127\.0\.0\.1:9\/v2\/: network error ECONNREFUSED — registry 127\.0\.0\.1:9 is unreachable$/,
    ],
  ])('%s fails with one clear line', async (_, inputs, message) => {
    const given = inputs();
    const { job, main } = await runAction(ACTION, {
      with: { username: USER.username, password: USER.password, ...given },
    });
    await job.cleanup();
    expect(main.exitCode).toBe(1);
    expect(main.errors).toHaveLength(1);
    expect(main.errors[0]).toMatch(message);
    expect(main.log).not.toMatch(/^\s+at /m);
    for (const secret of [USER.password, 'wrong-pass-word']) expect(main.log).not.toContain(secret);
    const client = new RegistryClient(registry.host, { credentials: USER });
    expect(await client.listTags('app')).not.toContain('x');
    client.close();
  });
});
