import { describe, expect, it } from '@jest/globals';
import {
  baseAnnotations,
  finalBase,
  resolvePlatformBases,
  resolveStageBases,
} from '../../../../src/builders/buildkit/bases.js';
import { parseStages, platformArgs } from '../../../../src/builders/buildkit/dockerfile.js';
import { STAGE_BASES_ANNOTATION } from '../../../../src/image/annotations.js';
import { toBlob, type Blob } from '../../../../src/oci/manifest.js';
import { MediaType } from '../../../../src/oci/mediatypes.js';
import type { RegistryClient } from '../../../../src/oci/registry/client.js';
import { RegistryError } from '../../../../src/oci/registry/errors.js';
import { ValidationError } from '../../../../src/runtime/errors.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

/** A registry with a single-arch (amd64) builder image and a two-platform runtime image. */
function registry(): { client: RegistryClient; digests: Record<string, string> } {
  const manifests = new Map<string, Blob>();
  const blobs = new Map<string, Buffer>();
  const image = (arch: string) => {
    const config = toBlob(MediaType.ociConfig, {
      os: 'linux',
      architecture: arch,
      rootfs: { type: 'layers', diff_ids: [] },
    });
    blobs.set(config.digest, config.bytes);
    const m = toBlob(MediaType.ociManifest, {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.bytes.length },
      layers: [],
    });
    manifests.set(m.digest, m);
    return m;
  };
  const builder = image('amd64');
  manifests.set('builder:1', builder);
  const [ra, rb] = [image('amd64'), image('arm64')];
  const runtime = toBlob(MediaType.ociIndex, {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      { mediaType: ra.mediaType, digest: ra.digest, size: ra.bytes.length, platform: amd64 },
      { mediaType: rb.mediaType, digest: rb.digest, size: rb.bytes.length, platform: arm64 },
    ],
  });
  manifests.set('runtime:1', runtime);
  manifests.set(runtime.digest, runtime);
  const client = {
    registry: 'registry.test',
    getManifest: async (repo: string, ref: string) => {
      const b = manifests.get(ref.startsWith('sha256:') ? ref : `${repo}:${ref}`);
      if (!b)
        throw new RegistryError('GET', `https://registry.test/v2/${repo}/manifests/${ref}`, 404);
      return b;
    },
    getBlob: async (_repo: string, digest: string) => blobs.get(digest)!,
  } as unknown as RegistryClient;
  return { client, digests: { builder: builder.digest, runtimeArm64: rb.digest } };
}

const DOCKERFILE = (flag: string) =>
  `FROM ${flag} registry.test/builder:1 AS build\nRUN make\nFROM registry.test/runtime:1\nCOPY --from=build /app /app\n`;

describe('stage bases with FROM --platform', () => {
  it('a build stage on $BUILDPLATFORM is resolved for BuildKit’s platform only, and each image records that', async () => {
    const { client, digests } = registry();
    const bases = await resolveStageBases(
      'file',
      parseStages(DOCKERFILE('--platform=$BUILDPLATFORM')),
      [amd64, arm64],
      () => client,
      amd64,
    );
    expect(bases.map((b) => [b.stage, b.platform ?? 'each target'])).toEqual([
      ['build', 'linux/amd64'],
      ['1', 'each target'],
    ]);
    const recorded = JSON.parse(
      baseAnnotations(bases, bases[1], arm64)[STAGE_BASES_ANNOTATION]!,
    ) as { stage: string; digest: string; platform?: string }[];
    // the arm64 image was built with the amd64 builder, and says so
    expect(recorded).toEqual([
      {
        stage: 'build',
        name: 'registry.test/builder:1',
        digest: digests.builder,
        platform: 'linux/amd64',
      },
      { stage: '1', name: 'registry.test/runtime:1', digest: digests.runtimeArm64 },
    ]);
  });

  it('the same single-arch stage without the flag is needed for every target, and refused', async () => {
    const { client } = registry();
    await expect(
      resolveStageBases('file', parseStages(DOCKERFILE('')), [amd64, arm64], () => client, amd64),
    ).rejects.toThrow(/single linux\/amd64 image, not linux\/arm64/);
  });

  it('a --platform that names no platform is one line naming the input', async () => {
    const { client } = registry();
    const refused = resolveStageBases(
      'file',
      parseStages(DOCKERFILE('--platform=linux')),
      [amd64],
      () => client,
      amd64,
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/FROM --platform=linux/);
  });
});

describe('stage bases with BuildKit’s automatic platform ARGs', () => {
  // the amd64 image is built on the two-platform runtime, the arm64 one on a stage of its own
  const PER_ARCH = [
    'FROM registry.test/runtime:1 AS base-amd64',
    'FROM registry.test/runtime:1 AS base-arm64',
    'RUN echo arm',
    'FROM base-${TARGETARCH}',
    'COPY app /app',
  ].join('\n');

  it('FROM base-${TARGETARCH} names each platform’s stage; each platform’s base is resolved for it', async () => {
    const { client, digests } = registry();
    const stagesOf = [amd64, arm64].map((platform) => ({
      platform,
      stages: parseStages(PER_ARCH, {}, platformArgs(platform, amd64)),
    }));
    expect(stagesOf.map((s) => s.stages[2]!.base)).toEqual(['base-amd64', 'base-arm64']);
    expect(stagesOf.map((s) => s.stages[2]!.kind)).toEqual(['stage', 'stage']);
    const bases = await resolvePlatformBases('file', stagesOf, () => client, amd64);
    expect(bases.map((b) => [b.stage, b.name, Object.keys(b.platforms)])).toEqual([
      ['base-amd64', 'registry.test/runtime:1', ['linux/amd64', 'linux/arm64']],
      ['base-arm64', 'registry.test/runtime:1', ['linux/amd64', 'linux/arm64']],
    ]);
    const finals = stagesOf.map((s) => finalBase(s.stages, bases));
    expect(baseAnnotations(bases, finals[1], arm64)['org.opencontainers.image.base.digest']).toBe(
      digests.runtimeArm64,
    );
  });

  it('a global ARG TARGETARCH without a default keeps the automatic value; a build arg wins', () => {
    const text = 'ARG TARGETARCH\nARG FLAVOR=${TARGETARCH}-slim\nFROM registry.test/app:${FLAVOR}';
    expect(parseStages(text, {}, platformArgs(arm64, amd64))[0]!.base).toBe(
      'registry.test/app:arm64-slim',
    );
    expect(parseStages(text, { TARGETARCH: 'x' }, platformArgs(arm64, amd64))[0]!.base).toBe(
      'registry.test/app:x-slim',
    );
  });
});
