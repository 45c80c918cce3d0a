import { describe, expect, it } from '@jest/globals';
import type { PlatformManifest } from '../../../src/rebuild/read.js';
import { isNewLayer, knownLayers, NO_KNOWN_LAYERS } from '../../../src/publish/known.js';
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
