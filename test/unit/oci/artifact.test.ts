import { createHash } from 'node:crypto';
import {
  artifactManifest,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON,
  referrersTag,
  withReferrer,
} from '../../../src/oci/artifact.js';
import type { Digest } from '../../../src/oci/digest.js';
import { toBlob, type ImageManifest } from '../../../src/oci/manifest.js';
import { MediaType } from '../../../src/oci/mediatypes.js';
import { h1Hex, uuidFrom } from '../../../src/attest/subject.js';

const subject = {
  mediaType: MediaType.ociManifest,
  digest: `sha256:${'a'.repeat(64)}` as Digest,
  size: 500,
  platform: { os: 'linux', architecture: 'arm64' },
};

describe('OCI 1.1 artifacts', () => {
  it('carry the empty config, the document as their one layer, and the subject without its platform', () => {
    expect(EMPTY_DESCRIPTOR.digest).toBe(
      `sha256:${createHash('sha256').update(EMPTY_JSON).digest('hex')}`,
    );
    const doc = toBlob('application/spdx+json', { spdxVersion: 'SPDX-2.3' });
    const m = JSON.parse(
      artifactManifest(subject, 'application/spdx+json', doc, { a: 'b' }).bytes.toString(),
    ) as ImageManifest;
    expect(m).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: 'application/spdx+json',
      config: EMPTY_DESCRIPTOR,
      layers: [{ mediaType: 'application/spdx+json', digest: doc.digest, size: doc.bytes.length }],
      subject: { mediaType: MediaType.ociManifest, digest: subject.digest, size: 500 },
      annotations: { a: 'b' },
    });
  });

  it('are listed once under the referrers tag sha256-<hex>, with their type and annotations', () => {
    expect(referrersTag(subject.digest)).toBe(`sha256-${'a'.repeat(64)}`);
    const doc = toBlob('application/spdx+json', {});
    const a = artifactManifest(subject, 'application/spdx+json', doc, { x: 'y' });
    const list = withReferrer(undefined, a)!;
    expect(list.manifests).toEqual([
      {
        mediaType: MediaType.ociManifest,
        digest: a.digest,
        size: a.bytes.length,
        artifactType: 'application/spdx+json',
        annotations: { x: 'y' },
      },
    ]);
    expect(withReferrer(list, a)).toBeUndefined();
  });

  it('get document ids and checksums that depend only on their input', () => {
    expect(uuidFrom(subject.digest, 'spdx')).toBe(uuidFrom(subject.digest, 'spdx'));
    expect(uuidFrom(subject.digest, 'spdx')).not.toBe(uuidFrom(subject.digest, 'cyclonedx'));
    expect(uuidFrom(subject.digest, 'spdx')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // Go's h1: is base64 of a SHA-256: as hex for SPDX and CycloneDX
    expect(h1Hex('h1:9euLV5sTrTNTRUU9POmDUvfxyj6LAABLUcEWO+JJb4s=')).toBe(
      Buffer.from('9euLV5sTrTNTRUU9POmDUvfxyj6LAABLUcEWO+JJb4s=', 'base64').toString('hex'),
    );
    expect(h1Hex(undefined)).toBeUndefined();
    expect(h1Hex('h2:abc')).toBeUndefined();
  });
});
