import type { PlatformBase } from '../../../src/image/base.js';
import type { Digest } from '../../../src/oci/digest.js';
import type { ImageConfig, ImageManifest } from '../../../src/oci/manifest.js';
import { Annotation, MediaType } from '../../../src/oci/mediatypes.js';
import { RebaseRefusal, rebaseImage, type PlatformImageRead } from '../../../src/rebuild/rebase.js';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const layer = (c: string) => ({ mediaType: MediaType.ociLayerTarGzip, digest: d(c), size: 10 });

function base(tag: string, layers: string[], manifestMediaType: string = MediaType.ociManifest) {
  return {
    platform: { os: 'linux', architecture: 'arm64' },
    manifestMediaType,
    manifestDigest: d(tag),
    layers: layers.map(layer),
    config: {
      os: 'linux',
      architecture: 'arm64',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => d(l.toUpperCase() === l ? l : l)) },
      history: layers.map((l) => ({ created_by: `base ${tag} ${l}` })),
    } as ImageConfig,
  } satisfies PlatformBase & { manifestDigest: Digest };
}

const v1 = base('1', ['a', 'b']);
const v2 = base('2', ['c']);

function imageOn(b: typeof v1): PlatformImageRead {
  return {
    platform: 'linux/arm64',
    manifestMediaType: MediaType.ociManifest,
    manifest: {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: d('f'), size: 1 },
      layers: [...b.layers, layer('e')],
      annotations: {
        [Annotation.created]: '2024-05-01T12:00:00Z',
        [Annotation.baseName]: 'registry.example/base:1',
        [Annotation.baseDigest]: b.manifestDigest,
      },
    },
    config: {
      os: 'linux',
      architecture: 'arm64',
      created: '2024-05-01T12:00:00Z',
      config: { User: '65532:65532', Entrypoint: ['/usr/local/bin/app'] },
      rootfs: { type: 'layers', diff_ids: [...b.config.rootfs.diff_ids, d('9')] },
      history: [...(b.config.history ?? []), { created_by: 'go build .', comment: 'gantry' }],
    },
  };
}

describe('rebaseImage', () => {
  it("swaps the base's layers, diff_ids and history; keeps the application's; names the new base", () => {
    const r = rebaseImage(imageOn(v1), v1, v2, 'registry.example/base:1');
    const m = JSON.parse(r.manifest.bytes.toString()) as ImageManifest;
    const c = JSON.parse(r.config.bytes.toString()) as ImageConfig;
    expect(m.layers.map((l) => l.digest)).toEqual([d('c'), d('e')]);
    expect(r.appLayers.map((l) => l.digest)).toEqual([d('e')]);
    expect(c.rootfs.diff_ids).toEqual([d('c'), d('9')]);
    expect(c.history!.map((h) => h.created_by)).toEqual(['base 2 c', 'go build .']);
    expect(c.config).toEqual({ User: '65532:65532', Entrypoint: ['/usr/local/bin/app'] });
    expect(c.created).toBe('2024-05-01T12:00:00Z');
    expect(m.config.digest).toBe(r.config.digest);
    expect(m.annotations).toEqual({
      [Annotation.created]: '2024-05-01T12:00:00Z',
      [Annotation.baseName]: 'registry.example/base:1',
      [Annotation.baseDigest]: d('2'),
    });
    // the same rebase twice is the same image
    expect(rebaseImage(imageOn(v1), v1, v2, 'registry.example/base:1').manifest.digest).toBe(
      r.manifest.digest,
    );
  });

  it.each([
    [
      'does not start with its base',
      () => rebaseImage(imageOn(v2), v1, v2, 'b'),
      /does not start with the layers of its recorded base/,
    ],
    [
      "history does not start with the base's",
      () => {
        const img = imageOn(v1);
        img.config.history![0] = { created_by: 'something else' };
        return rebaseImage(img, v1, v2, 'b');
      },
      /history does not start/,
    ],
    [
      'a Docker v2 base under an OCI image',
      () => rebaseImage(imageOn(v1), v1, base('3', ['c'], MediaType.dockerManifest), 'b'),
      /Docker v2 image, the image an OCI image/,
    ],
    [
      'a base for another architecture',
      () =>
        rebaseImage(
          imageOn(v1),
          v1,
          { ...v2, config: { ...v2.config!, architecture: 'amd64' } },
          'b',
        ),
      /config is for linux\/amd64/,
    ],
  ])('refuses when %s', (_why, run, message) => {
    expect(run).toThrow(RebaseRefusal);
    expect(run).toThrow(message);
  });
});
