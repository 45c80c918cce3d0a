import type { BuildInfo } from '../tools/go/buildinfo.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { artifactManifest } from '../oci/artifact.js';
import { Annotation, MediaType } from '../oci/mediatypes.js';
import { formatPlatform, type Platform } from '../oci/platform.js';
import type { ArtifactToPush } from '../oci/blob.js';
import { toBlob, type Blob } from '../oci/manifest.js';
import { provenanceStatement, type BuildParameters, type BuildRun } from './provenance.js';
import { cyclonedxDocument, SBOM_MEDIA_TYPE, spdxDocument, type SbomFormat } from './sbom.js';
import { timestamp, type AttestedImage } from './subject.js';

export interface AttestOptions {
  sbom: SbomFormat | false;
  provenance: boolean;
  /** registry/repository the documents name. */
  name: string;
  created: string;
  revision: string;
  run: BuildRun;
  parameters: BuildParameters;
}

/** What an SBOM and a provenance statement need of one built platform image. */
export interface ImageToAttest {
  platform: Platform;
  manifest: Blob;
  descriptor: Descriptor;
  /** The binary's Go build info: what its SBOM lists (none: nothing to attest). */
  buildInfo?: BuildInfo;
  /** Its base, when an image in a registry. */
  base?: { name: string; digest: Digest };
}

/** What was attached to one platform image: the artifacts' manifest digests. */
export interface Attached {
  sbom?: Digest;
  provenance?: Digest;
}

/**
 * An SBOM and a provenance statement for every platform image, each an OCI 1.1 artifact whose
 * subject is that platform's manifest. Deterministic: one commit, the same SBOM bytes.
 */
export function attestations(
  images: readonly ImageToAttest[],
  o: AttestOptions,
): { artifacts: ArtifactToPush[]; attached: Record<string, Attached> } {
  const artifacts: ArtifactToPush[] = [];
  const attached: Record<string, Attached> = {};
  for (const image of images) {
    if (!image.buildInfo) continue;
    const platform = formatPlatform(image.platform);
    const base = image.base;
    const subject: AttestedImage = {
      name: o.name,
      platform,
      digest: image.manifest.digest,
      created: o.created,
      buildInfo: image.buildInfo,
      revision: o.revision,
      ...(base ? { base } : {}),
    };
    const make = (artifactType: string, document: object) => {
      const artifact = attestation(image.descriptor, o.created, artifactType, document);
      artifacts.push(artifact);
      return artifact.manifest.digest;
    };
    const entry: Attached = {};
    if (o.sbom)
      entry.sbom = make(
        SBOM_MEDIA_TYPE[o.sbom],
        o.sbom === 'spdx' ? spdxDocument(subject) : cyclonedxDocument(subject),
      );
    if (o.provenance)
      entry.provenance = make(MediaType.inToto, provenanceStatement(subject, o.run, o.parameters));
    attached[platform] = entry;
  }
  return { artifacts, attached };
}

/** One line per platform: what was attached to it. */
export function describeAttached(
  attached: Record<string, Attached>,
  sbom: string | false,
): string[] {
  return Object.entries(attached).map(
    ([p, a]) =>
      `${p}: ${[a.sbom ? `SBOM (${sbom}) ${a.sbom}` : '', a.provenance ? `provenance ${a.provenance}` : ''].filter(Boolean).join(', ')}`,
  );
}

/** One document attached to an image: an OCI 1.1 artifact whose subject is that image's manifest. */
export function attestation(
  subject: Descriptor,
  created: string,
  artifactType: string,
  document: object,
): ArtifactToPush {
  const content = toBlob(artifactType, document);
  const annotations = { [Annotation.created]: timestamp(created) };
  const manifest = artifactManifest(subject, artifactType, content, annotations);
  return { manifest, content, subject: subject.digest };
}
