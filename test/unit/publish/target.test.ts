import { describe, expect, it } from '@jest/globals';
import { artifactManifest, referrersTag } from '../../../src/oci/artifact.js';
import { toBlob, type Blob, type ImageIndex } from '../../../src/oci/manifest.js';
import { MediaType } from '../../../src/oci/mediatypes.js';
import type { RegistryClient } from '../../../src/oci/registry/client.js';
import { RegistryError } from '../../../src/oci/registry/errors.js';
import { RegistryTarget } from '../../../src/publish/target.js';

/** A client that records calls, answers the referrers tag with 404, and has no referrers API. */
function fakeClient(calls: string[], hasApi: boolean) {
  const client = {
    registry: 'registry.test',
    pushBlob: async () => (calls.push('blob'), { status: 'uploaded', bytes: 1 }),
    getManifest: async (_repo: string, ref: string): Promise<Blob> => {
      calls.push(`GET ${ref}`);
      throw new RegistryError('GET', `https://registry.test/v2/app/manifests/${ref}`, 404);
    },
    putReferrer: async (_repo: string, blob: Blob) => {
      calls.push(`PUT referrer ${blob.digest.slice(7, 11)}`);
      // answered only once every call so far has been made: the GET went out before
      await new Promise((r) => setTimeout(r, 5));
      return hasApi;
    },
    putManifest: async (_repo: string, ref: string, blob: Blob) => {
      const list = JSON.parse(blob.bytes.toString('utf8')) as ImageIndex;
      calls.push(`PUT ${ref} (${list.manifests.length})`);
    },
  };
  return client as unknown as RegistryClient;
}

describe('attaching to an image in a registry', () => {
  const subject = toBlob(MediaType.ociManifest, { schemaVersion: 2 });
  const artifacts = ['sbom', 'provenance'].map((kind) => {
    const content = toBlob(`application/x-${kind}`, { kind });
    const manifest = artifactManifest(
      { mediaType: subject.mediaType, digest: subject.digest, size: subject.bytes.length },
      `application/x-${kind}`,
      content,
      {},
    );
    return { manifest, content, subject: subject.digest };
  });
  const short = (b: Blob) => b.digest.slice(7, 11);

  it('reads the referrers tag while the manifests go up, and writes it once with both', async () => {
    const calls: string[] = [];
    await new RegistryTarget(fakeClient(calls, false), 'app').attach(artifacts);
    const tag = referrersTag(subject.digest);
    expect(calls.filter((c) => c !== 'blob')).toEqual([
      `GET ${tag}`,
      `PUT referrer ${short(artifacts[0]!.manifest)}`,
      `PUT referrer ${short(artifacts[1]!.manifest)}`,
      `PUT ${tag} (2)`,
    ]);
  });

  it('a registry with the referrers API gets no referrers tag', async () => {
    const calls: string[] = [];
    await new RegistryTarget(fakeClient(calls, true), 'app').attach(artifacts);
    expect(calls.filter((c) => c.startsWith('PUT sha256-'))).toEqual([]);
  });
});
