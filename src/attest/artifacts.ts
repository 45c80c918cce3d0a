import type { BuildInfo } from '../tools/go/buildinfo.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { artifactManifest } from '../oci/artifact.js';
import { Annotation, MediaType } from '../oci/mediatypes.js';
import { formatPlatform, type Platform } from '../oci/platform.js';
import type { ArtifactToPush } from '../oci/blob.js';
import { toBlob, type Blob } from '../oci/manifest.js';
import { withChildren } from '../oci/index.js';
import {
  provenanceStatement,
  SLSA_PROVENANCE_V1,
  type BuildParameters,
  type BuildRun,
} from './provenance.js';
import {
  indexAttestation,
  SBOM_PREDICATE,
  sbomStatement,
  type IndexAttestation,
} from './in-index.js';
import { cyclonedxDocument, SBOM_MEDIA_TYPE, spdxDocument, type SbomFormat } from './sbom.js';
import { timestamp, type AttestedImage } from './subject.js';

/** Where attestations go: OCI 1.1 referrers, the image index (BuildKit's way), or both. */
export const ATTESTATION_FORMS = ['referrers', 'index', 'both'] as const;
export type AttestationForm = (typeof ATTESTATION_FORMS)[number];

export interface AttestOptions {
  sbom: SbomFormat | false;
  provenance: boolean;
  /** Default referrers. */
  form?: AttestationForm;
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
 * An SBOM and a provenance statement for every platform image: each an OCI 1.1 artifact whose
 * subject is that platform's manifest (referrers), and/or both as in-toto statements in one
 * attestation manifest of the image index (index). Deterministic: one commit, the same bytes.
 */
export function attestations(
  images: readonly ImageToAttest[],
  o: AttestOptions,
): {
  artifacts: ArtifactToPush[];
  inIndex: IndexAttestation[];
  attached: Record<string, Attached>;
} {
  const form = o.form ?? 'referrers';
  const artifacts: ArtifactToPush[] = [];
  const inIndex: IndexAttestation[] = [];
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
    const sbom = o.sbom
      ? o.sbom === 'spdx'
        ? spdxDocument(subject)
        : cyclonedxDocument(subject)
      : undefined;
    const provenance = o.provenance ? provenanceStatement(subject, o.run, o.parameters) : undefined;
    const out = attachDocuments(
      image.descriptor,
      { name: o.name, created: o.created },
      {
        ...(o.sbom && sbom ? { sbom: { format: o.sbom, document: sbom } } : {}),
        ...(provenance ? { provenance } : {}),
      },
      form,
    );
    artifacts.push(...out.artifacts);
    if (out.inIndex) inIndex.push(out.inIndex);
    const entry = out.attached;
    attached[platform] = entry;
  }
  return { artifacts, inIndex, attached };
}

/**
 * One platform image's SBOM and provenance statement attached in `form`: each an OCI 1.1 artifact
 * whose subject is the image (referrers), and/or both as in-toto statements in one attestation
 * manifest for the image index (index). What was attached: the artifacts' manifest digests (the
 * attestation manifest's, in the index form alone).
 */
export function attachDocuments(
  image: Descriptor,
  o: { name: string; created: string },
  docs: { sbom?: { format: SbomFormat; document: object }; provenance?: object },
  form: AttestationForm,
): { artifacts: ArtifactToPush[]; inIndex?: IndexAttestation; attached: Attached } {
  const artifacts: ArtifactToPush[] = [];
  const attached: Attached = {};
  if (form !== 'index') {
    const make = (artifactType: string, document: object) => {
      const artifact = attestation(image, o.created, artifactType, document);
      artifacts.push(artifact);
      return artifact.manifest.digest;
    };
    if (docs.sbom) attached.sbom = make(SBOM_MEDIA_TYPE[docs.sbom.format], docs.sbom.document);
    if (docs.provenance) attached.provenance = make(MediaType.inToto, docs.provenance);
  }
  if (form === 'referrers' || (!docs.sbom && !docs.provenance)) return { artifacts, attached };
  const subject = { name: o.name, digest: image.digest };
  const inIndex = indexAttestation(image, [
    ...(docs.sbom
      ? [
          {
            predicateType: SBOM_PREDICATE[docs.sbom.format],
            statement: sbomStatement(subject, docs.sbom.format, docs.sbom.document),
          },
        ]
      : []),
    ...(docs.provenance ? [{ predicateType: SLSA_PROVENANCE_V1, statement: docs.provenance }] : []),
  ]);
  // the index form alone: its attestation manifest holds both
  if (form === 'index') {
    if (docs.sbom) attached.sbom = inIndex.manifest.digest;
    if (docs.provenance) attached.provenance = inIndex.manifest.digest;
  }
  return { artifacts, inIndex, attached };
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

/**
 * A built image with its attestations: the referrers to attach, and — in the index form — the
 * attestation manifests added to the image and listed in its index (a new index digest).
 */
export function attestImage<T extends ImageToAttest>(
  image: { images: readonly (T | IndexAttestation)[]; index: Blob },
  o: AttestOptions,
): {
  image: { images: (T | IndexAttestation)[]; index: Blob };
  artifacts: ArtifactToPush[];
  attached: Record<string, Attached>;
} {
  const built = image.images.filter((i): i is T => 'platform' in i);
  const { artifacts, inIndex, attached } = attestations(built, o);
  return {
    image: {
      images: [...image.images, ...inIndex],
      index: withChildren(
        image.index,
        inIndex.map((a) => a.descriptor),
      ),
    },
    artifacts,
    attached,
  };
}
