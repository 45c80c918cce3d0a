import { describe, expect, it } from '@jest/globals';
import type { PlatformManifest } from '../../../src/rebuild/read.js';
import {
  isNewLayer,
  knownLayers,
  NO_KNOWN_LAYERS,
  readKnownLayers,
} from '../../../src/publish/known.js';
import { toBlob, type Blob } from '../../../src/oci/manifest.js';
import { Annotation, MediaType } from '../../../src/oci/mediatypes.js';
import type { RegistryClient } from '../../../src/oci/registry/client.js';
import { RegistryError } from '../../../src/oci/registry/errors.js';
import type { Digest } from '../../../src/oci/digest.js';
import type { ImageConfig } from '../../../src/oci/manifest.js';

const platform = (created: string | undefined, diffIds: string[]): PlatformManifest =>
  ({
    platform: 'linux/amd64',
    digest: 'sha256:m',
    manifest: {},
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      ...(created ? { created } : {}),
      rootfs: { type: 'layers', diff_ids: diffIds },
    } as ImageConfig,
  }) as unknown as PlatformManifest;

describe('known layers', () => {
  const known = knownLayers([
    platform('2024-06-01T12:00:00Z', ['sha256:base', 'sha256:app-amd64']),
    platform('2024-06-01T12:00:00Z', ['sha256:base', 'sha256:app-arm64']),
    platform(undefined, ['sha256:other']),
  ]);
  const at2024 = Date.parse('2024-06-01T12:00:00Z') / 1000;

  it('reads the images’ times (seconds) and every diff_id', () => {
    expect([...known.times]).toEqual([at2024]);
    expect([...known.diffIds].sort()).toEqual([
      'sha256:app-amd64',
      'sha256:app-arm64',
      'sha256:base',
      'sha256:other',
    ]);
  });

  it('a layer made at another time is new, and its diff_id is never computed', async () => {
    let computed = 0;
    const layer = {
      mtime: at2024 + 60,
      diffId: async (): Promise<Digest> => (computed++, 'sha256:app-amd64'),
    };
    expect(await isNewLayer(known, layer)).toBe(true);
    expect(await isNewLayer(NO_KNOWN_LAYERS, layer)).toBe(true);
    expect(computed).toBe(0);
  });

  it('at a known time, its diff_id decides', async () => {
    const at = (diffId: Digest) => ({ mtime: at2024, diffId: async () => diffId });
    expect(await isNewLayer(known, at('sha256:app-arm64'))).toBe(false);
    expect(await isNewLayer(known, at('sha256:app-edited'))).toBe(true);
  });
});

describe('reading the known layers of the image under a tag', () => {
  const created = '2024-06-01T12:00:00Z';
  const at = Date.parse(created) / 1000;
  /** A registry holding one two-platform image (index annotated `created` unless told not to). */
  const registry = (annotated: boolean) => {
    const calls: string[] = [];
    const blobs = new Map<string, Blob>();
    const configs = new Map<string, Buffer>();
    const manifests = ['amd64', 'arm64'].map((arch) => {
      const config = Buffer.from(
        JSON.stringify({
          created,
          architecture: arch,
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [`sha256:${arch}`] },
        }),
      );
      const configBlob = toBlob(MediaType.ociConfig, JSON.parse(config.toString()));
      configs.set(configBlob.digest, configBlob.bytes);
      const m = toBlob(MediaType.ociManifest, {
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: {
          mediaType: MediaType.ociConfig,
          digest: configBlob.digest,
          size: configBlob.bytes.length,
        },
        layers: [],
      });
      blobs.set(m.digest, m);
      return {
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.bytes.length,
        platform: { os: 'linux', architecture: arch },
      };
    });
    const index = toBlob(MediaType.ociIndex, {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests,
      ...(annotated ? { annotations: { [Annotation.created]: created } } : {}),
    });
    blobs.set('main', index);
    blobs.set(index.digest, index);
    const client = {
      registry: 'registry.test',
      getManifest: async (_repo: string, ref: string) => {
        calls.push(`manifest ${ref.slice(0, 11)}`);
        const b = blobs.get(ref);
        if (!b)
          throw new RegistryError('GET', `https://registry.test/v2/app/manifests/${ref}`, 404);
        return b;
      },
      getBlob: async (_repo: string, digest: string) => {
        calls.push(`blob ${digest.slice(0, 11)}`);
        return configs.get(digest)!;
      },
    } as unknown as RegistryClient;
    return { client, calls };
  };
  const image = (tag: string) => ({ registry: 'registry.test', repository: 'app', tag });

  it('made at another time: one request, its time, no configs read', async () => {
    const { client, calls } = registry(true);
    const known = await readKnownLayers(client, image('main'), Promise.resolve(at + 60));
    expect(calls).toEqual(['manifest main']);
    expect([...known.times]).toEqual([at]);
    expect(await isNewLayer(known, { mtime: at + 60, diffId: async () => 'sha256:amd64' })).toBe(
      true,
    );
  });

  it('made at this build’s time (the same commit again), or not saying: its configs decide', async () => {
    for (const annotated of [true, false]) {
      const { client, calls } = registry(annotated);
      const known = await readKnownLayers(client, image('main'), Promise.resolve(at));
      expect(calls.filter((c) => c.startsWith('blob'))).toHaveLength(2);
      expect([...known.diffIds].sort()).toEqual(['sha256:amd64', 'sha256:arm64']);
      expect(await isNewLayer(known, { mtime: at, diffId: async () => 'sha256:arm64' })).toBe(
        false,
      );
    }
  });

  it('no image under the tag: nothing known', async () => {
    const { client } = registry(true);
    expect(await readKnownLayers(client, image('v2'), Promise.resolve(at))).toEqual(
      NO_KNOWN_LAYERS,
    );
  });
});
