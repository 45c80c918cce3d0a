import type { AttestationForm } from '../attest/artifacts.js';
import { PREDICATE_TYPE_ANNOTATION, SBOM_PREDICATE } from '../attest/in-index.js';
import { sbomContents, type SbomContents } from '../attest/rebased.js';
import { SBOM_MEDIA_TYPE, type SbomFormat } from '../attest/sbom.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { isAttestation } from '../oci/index.js';
import type { ImageIndex, ImageManifest } from '../oci/manifest.js';
import { ATTESTATION, MediaType } from '../oci/mediatypes.js';
import type { RegistryClient } from '../oci/registry/client.js';

const SBOM_TYPES: readonly string[] = Object.values(SBOM_MEDIA_TYPE);

/** What a platform image had attached before a rebase. */
export interface Attachments {
  /** gantry's SBOM of that very image, read back. */
  sbom?: SbomContents;
  /** Whether anything attested it: an SBOM (anyone's) or an in-toto statement. */
  attested: boolean;
  /** Where: referrers, an attestation manifest in its index, or both (none: nothing). */
  form?: AttestationForm;
}

/** A manifest by digest, parsed; undefined when the bytes are not the digest's. */
async function manifestAt(
  client: RegistryClient,
  repository: string,
  digest: Digest,
): Promise<ImageManifest | undefined> {
  const blob = await client.getManifest(repository, digest);
  if (blob.digest !== digest) return undefined;
  return JSON.parse(blob.bytes.toString('utf8')) as ImageManifest;
}

/**
 * The SBOM in the attestation manifests (`entries`) the image's own index lists for it
 * (attestations: index, as BuildKit lists them): the SBOM statement about this image.
 */
async function sbomInIndex(
  client: RegistryClient,
  repository: string,
  digest: Digest,
  entries: readonly Descriptor[],
): Promise<SbomContents | undefined> {
  for (const entry of entries) {
    const manifest = await manifestAt(client, repository, entry.digest);
    for (const layer of manifest?.layers ?? []) {
      const format = (Object.keys(SBOM_PREDICATE) as SbomFormat[]).find(
        (f) => SBOM_PREDICATE[f] === layer.annotations?.[PREDICATE_TYPE_ANNOTATION],
      );
      if (!format) continue;
      const statement = JSON.parse(
        (await client.getBlob(repository, layer.digest)).toString('utf8'),
      ) as { subject?: { digest?: { sha256?: string } }[]; predicate?: unknown };
      if (`sha256:${statement.subject?.[0]?.digest?.sha256}` !== digest) continue;
      const sbom = sbomContents(
        SBOM_MEDIA_TYPE[format],
        Buffer.from(JSON.stringify(statement.predicate ?? null)),
      );
      if (sbom?.describes === digest) return sbom;
    }
  }
  return undefined;
}

/**
 * The SBOM and attestations attached to a platform manifest: referrers (API, else the referrers
 * tag), and the attestation manifests of the image's index. An SBOM counts only when it names
 * this image as its subject and its document describes this image's digest: one that was moved
 * from another image says nothing of this one.
 */
export async function readAttachments(
  client: RegistryClient,
  repository: string,
  digest: Digest,
  index?: ImageIndex,
): Promise<Attachments> {
  const referrers = await client.referrers(repository, digest);
  const types = referrers.map((d) => d.artifactType ?? '');
  // the attestation manifests of the image's index that name this image
  const entries = (index?.manifests ?? []).filter(
    (m) => isAttestation(m) && m.annotations?.[ATTESTATION.referenceDigest] === digest,
  );
  const inIndex = entries.length > 0;
  const referred = types.some((t) => SBOM_TYPES.includes(t) || t === MediaType.inToto);
  const attested = inIndex || referred;
  const form: AttestationForm | undefined =
    inIndex && referred ? 'both' : inIndex ? 'index' : referred ? 'referrers' : undefined;
  const found = (sbom?: SbomContents): Attachments => ({
    ...(sbom ? { sbom } : {}),
    attested,
    ...(form ? { form } : {}),
  });
  for (const d of referrers) {
    if (!SBOM_TYPES.includes(d.artifactType ?? '')) continue;
    const manifest = await manifestAt(client, repository, d.digest);
    const layer = manifest?.layers?.[0];
    if (!manifest || manifest.subject?.digest !== digest || !layer || !manifest.artifactType)
      continue;
    const sbom = sbomContents(
      manifest.artifactType,
      await client.getBlob(repository, layer.digest),
    );
    if (sbom?.describes === digest) return found(sbom);
  }
  return found(inIndex ? await sbomInIndex(client, repository, digest, entries) : undefined);
}
