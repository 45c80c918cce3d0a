import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../../src/oci/digest.js';
import { OciLayout } from '../../../src/oci/layout.js';
import { MediaType } from '../../../src/oci/mediatypes.js';
import { bufferSource } from '../../../src/oci/blob.js';

describe('OCI image layout', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'layout-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates oci-layout and an empty index, stores blobs by digest, and names manifests', async () => {
    const layout = new OciLayout(dir);
    await layout.init();
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    const bytes = Buffer.from('{"schemaVersion":2}');
    const digest = sha256Digest(bytes);
    expect(await layout.writeBlob({ digest, size: bytes.length }, bufferSource(bytes))).toBe(true);
    expect(await layout.writeBlob({ digest, size: bytes.length }, bytes)).toBe(false);
    expect((await layout.readBlob(digest)).equals(bytes)).toBe(true);
    await layout.addToIndex({ mediaType: MediaType.ociIndex, digest, size: bytes.length }, 'v1');
    await layout.addToIndex({ mediaType: MediaType.ociIndex, digest, size: bytes.length }, 'v1');
    await layout.addToIndex(
      { mediaType: MediaType.ociIndex, digest, size: bytes.length },
      'latest',
    );
    const index = await layout.readIndex();
    expect(
      index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']),
    ).toEqual(['v1', 'latest']);
    await new OciLayout(dir).init();
    expect((await layout.readIndex()).manifests).toHaveLength(2);
  });

  it('refuses content that does not match its digest and leaves nothing behind', async () => {
    const layout = new OciLayout(dir);
    await layout.init();
    const digest = sha256Digest('expected');
    await expect(layout.writeBlob({ digest, size: 8 }, Buffer.from('tampered'))).rejects.toThrow(
      /blob content is sha256:[0-9a-f]{64} \(8 bytes\), expected/,
    );
    expect(await layout.hasBlob(digest)).toBe(false);
    expect(readdirSync(join(dir, 'blobs', 'sha256'))).toEqual([]);
  });
});
