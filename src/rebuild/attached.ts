import { sbomContents, type SbomContents } from '../attest/rebased.js';
import { SBOM_MEDIA_TYPE } from '../attest/sbom.js';
import type { Digest } from '../oci/digest.js';
import type { ImageManifest } from '../oci/manifest.js';
import { MediaType } from '../oci/mediatypes.js';
import type { RegistryClient } from '../oci/registry/client.js';

const SBOM_TYPES: readonly string[] = Object.values(SBOM_MEDIA_TYPE);

/** What a platform image had attached before a rebase. */
export interface Attachments {
  /** gantry's SBOM of that very image, read back. */
  sbom?: SbomContents;
  /** Whether anything attested it: an SBOM (anyone's) or an in-toto statement. */
  attested: boolean;
}

/**
 * The SBOM and attestations attached to a platform manifest (referrers API, else the referrers
 * tag). An SBOM counts only when its manifest names this image as its subject and its document
 * describes this image's digest: one that was moved from another image says nothing of this one.
 */
export async function readAttachments(
  client: RegistryClient,
  repository: string,
  digest: Digest,
): Promise<Attachments> {
  const referrers = await client.referrers(repository, digest);
  const types = referrers.map((d) => d.artifactType ?? '');
  const attested = types.some((t) => SBOM_TYPES.includes(t) || t === MediaType.inToto);
  for (const d of referrers) {
    if (!SBOM_TYPES.includes(d.artifactType ?? '')) continue;
    const blob = await client.getManifest(repository, d.digest);
    if (blob.digest !== d.digest) continue;
    const manifest = JSON.parse(blob.bytes.toString('utf8')) as ImageManifest;
    const layer = manifest.layers?.[0];
    if (manifest.subject?.digest !== digest || !layer || !manifest.artifactType) continue;
    const sbom = sbomContents(
      manifest.artifactType,
      await client.getBlob(repository, layer.digest),
    );
    if (sbom?.describes === digest) return { sbom, attested };
  }
  return { attested };
}
