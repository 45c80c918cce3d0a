import type { BlobToPush, ManifestToPush } from '../oci/blob.js';
import { blobToPush } from '../oci/blob.js';
import type { Descriptor } from '../oci/descriptor.js';
import { toBlob, type Blob } from '../oci/manifest.js';
import { ATTESTATION, MediaType } from '../oci/mediatypes.js';
import type { SbomFormat } from './sbom.js';

/** The annotation BuildKit puts on each attestation blob: what its statement's predicate is. */
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';

/** The predicate types of an SBOM inside an in-toto statement, as BuildKit and cosign name them. */
export const SBOM_PREDICATE: Record<SbomFormat, string> = {
  spdx: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
};

/** An SBOM document as an in-toto statement about one platform image. */
export function sbomStatement(
  subject: { name: string; digest: string },
  format: SbomFormat,
  document: object,
): object {
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: SBOM_PREDICATE[format],
    subject: [{ name: subject.name, digest: { sha256: subject.digest.replace(/^sha256:/, '') } }],
    predicate: document,
  };
}

/** One platform image's attestation manifest and its entry in the image index. */
export interface IndexAttestation extends ManifestToPush {
  descriptor: Descriptor;
}

/**
 * The attestations of one platform image the way BuildKit stores them in the image index (what
 * Docker Hub and `docker buildx imagetools inspect` show): an image manifest whose layers are
 * in-toto statements (each annotated with its predicate type), listed in the index as platform
 * unknown/unknown with `vnd.docker.reference.digest` naming the image it describes.
 */
export function indexAttestation(
  subject: Descriptor,
  statements: readonly { predicateType: string; statement: object }[],
): IndexAttestation {
  const blobs: Blob[] = statements.map((s) => toBlob(MediaType.inToto, s.statement));
  const layers = blobs.map((b, i) => ({
    mediaType: MediaType.inToto,
    digest: b.digest,
    size: b.bytes.length,
    annotations: { [PREDICATE_TYPE_ANNOTATION]: statements[i]!.predicateType },
  }));
  // only there for tools that expect an image: its diff_ids are the statements'
  const config = toBlob(MediaType.ociConfig, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: blobs.map((b) => b.digest) },
  });
  const manifest = toBlob(MediaType.ociManifest, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.bytes.length },
    layers,
  });
  const toPush: BlobToPush[] = [blobToPush(config), ...blobs.map(blobToPush)];
  return {
    manifest,
    blobs: toPush,
    descriptor: {
      mediaType: MediaType.ociManifest,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        [ATTESTATION.referenceDigest]: subject.digest,
        [ATTESTATION.referenceType]: ATTESTATION.manifestType,
      },
    },
  };
}
