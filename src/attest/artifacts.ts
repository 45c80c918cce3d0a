import type { PlatformImage } from '../build/builder.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { artifactManifest } from '../oci/artifact.js';
import { Annotation, MediaType } from '../oci/mediatypes.js';
import { formatPlatform } from '../oci/platform.js';
import type { ArtifactToPush } from '../publish/target.js';
import { toBlob } from '../oci/manifest.js';
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
  /** Each platform's final base, when a registry image. */
  baseFor: (platform: string) => { name: string; digest: Digest } | undefined;
  run: BuildRun;
  parameters: BuildParameters;
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
  images: readonly PlatformImage[],
  o: AttestOptions,
): { artifacts: ArtifactToPush[]; attached: Record<string, Attached> } {
  const artifacts: ArtifactToPush[] = [];
  const attached: Record<string, Attached> = {};
  for (const image of images) {
    if (!image.buildInfo) continue;
    const platform = formatPlatform(image.platform);
    const base = o.baseFor(platform);
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
