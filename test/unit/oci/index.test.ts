import { readFileSync } from 'node:fs';
import type { Descriptor } from '../../../src/oci/descriptor.js';
import { parseDigest, sha256Digest } from '../../../src/oci/digest.js';
import { buildIndex, isAttestation } from '../../../src/oci/index.js';
import type { ImageIndex, ImageManifest } from '../../../src/oci/manifest.js';
import { isIndexMediaType, MediaType } from '../../../src/oci/mediatypes.js';
import { formatPlatform } from '../../../src/oci/platform.js';
import { fixture } from '../../harness/paths.js';

const read = (name: string) => readFileSync(fixture('oci', name));

describe('real manifests and indexes', () => {
  it('reads the Docker Hub busybox manifest list', () => {
    const list = JSON.parse(read('docker-manifest-list.busybox.json').toString()) as ImageIndex;
    expect(isIndexMediaType(list.mediaType)).toBe(true);
    expect(list.manifests.map((m) => formatPlatform(m.platform!))).toEqual([
      'linux/amd64',
      'linux/arm/v5',
      'linux/arm/v6',
      'linux/arm64',
      'linux/386',
      'linux/ppc64le',
      'linux/s390x',
    ]);
  });

  it('finds BuildKit attestation manifests and the index digest is of its exact bytes', () => {
    const bytes = read('buildkit-oci-index-with-attestations.json');
    expect(sha256Digest(bytes).startsWith('sha256:5ac2d3ac')).toBe(true);
    const index = JSON.parse(bytes.toString()) as ImageIndex;
    expect(index.manifests.filter(isAttestation)).toHaveLength(2);
    const attestation = JSON.parse(
      read('buildkit-attestation-manifest.json').toString(),
    ) as ImageManifest;
    expect(attestation.layers[0]?.mediaType).toBe(MediaType.inToto);
  });

  it('reads the layout index written by BuildKit and the arm/v7 regclient index', () => {
    const layout = JSON.parse(read('buildkit-oci-layout.index.json').toString()) as ImageIndex;
    expect(parseDigest(layout.manifests[0]!.digest)).toBeTruthy();
    const regclient = read('oci-index.arm-v7.regclient-testrepo-v2.json');
    expect(sha256Digest(regclient).startsWith('sha256:dfae8f42')).toBe(true);
    const idx = JSON.parse(regclient.toString()) as ImageIndex;
    expect(idx.manifests.some((m) => m.platform?.variant === 'v7')).toBe(true);
  });
});

describe('index assembly', () => {
  const d = (
    n: string,
    platform?: Descriptor['platform'],
    annotations?: Record<string, string>,
  ): Descriptor => ({
    mediaType: MediaType.ociManifest,
    digest: `sha256:${n.repeat(64)}`,
    size: 100,
    ...(platform ? { platform } : {}),
    ...(annotations ? { annotations } : {}),
  });

  it('keeps platform order, puts attestations after images, carries annotations, and is deterministic', () => {
    const att = d(
      'c',
      { os: 'unknown', architecture: 'unknown' },
      {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': `sha256:${'b'.repeat(64)}`,
      },
    );
    const arm = d('b', { os: 'linux', architecture: 'arm64' });
    const amd = d('a', { os: 'linux', architecture: 'amd64' });
    const { index, blob } = buildIndex([arm, att, amd], {
      annotations: { 'org.opencontainers.image.source': 'https://example' },
    });
    expect(index.manifests.map((m) => m.digest[7])).toEqual(['b', 'a', 'c']);
    expect(index.annotations).toEqual({ 'org.opencontainers.image.source': 'https://example' });
    expect(
      buildIndex([arm, att, amd], {
        annotations: { 'org.opencontainers.image.source': 'https://example' },
      }).blob.digest,
    ).toBe(blob.digest);
    expect(blob.digest).toBe(sha256Digest(blob.bytes));
  });

  it('rejects two different images for one platform and images without a platform', () => {
    expect(() =>
      buildIndex([
        d('a', { os: 'linux', architecture: 'arm64' }),
        d('b', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      ]),
    ).toThrow('two manifests for linux/arm64');
    expect(() => buildIndex([d('a')])).toThrow('has no platform');
  });
});
