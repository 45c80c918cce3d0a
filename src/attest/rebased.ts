import type { BuildInfo, BuildInfoModule } from '../tools/go/buildinfo.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import type { ArtifactToPush } from '../oci/blob.js';
import { attachDocuments, type Attached, type AttestationForm } from './artifacts.js';
import type { IndexAttestation } from './in-index.js';
import { IN_TOTO_STATEMENT, SLSA_PROVENANCE_V1, type BuildRun } from './provenance.js';
import { cyclonedxDocument, SBOM_MEDIA_TYPE, spdxDocument, type SbomFormat } from './sbom.js';
import { ociPurl, type AttestedImage } from './subject.js';

/** What a rebase is, for provenance: the same application layers on another base. */
export const REBASE_BUILD_TYPE = 'urn:gantry:buildtype:rebase:v1';

/**
 * What gantry's SBOM of an image says, read back: the image's name and time and the modules Go
 * compiled in. A rebase keeps the application layers byte for byte, so the same modules are in
 * the rebased image; only its digest and its base are new.
 */
export interface SbomContents {
  format: SbomFormat;
  name: string;
  created: string;
  /** The image digest the document describes. */
  describes: string;
  buildInfo: BuildInfo;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Go's h1: form of a SHA-256 written as hex. */
function h1(hex: string | undefined): string | undefined {
  return hex && /^[0-9a-f]{64}$/.test(hex)
    ? `h1:${Buffer.from(hex, 'hex').toString('base64')}`
    : undefined;
}

function module(path: unknown, version: unknown, hex?: string): BuildInfoModule | undefined {
  const p = str(path);
  const v = str(version);
  if (!p || v === undefined) return undefined;
  const sum = h1(hex);
  return { path: p, version: v, ...(sum ? { sum } : {}) };
}

/** What either format says, put together; undefined when any of it is missing. */
function assemble(
  format: SbomFormat,
  said: {
    name?: string | undefined;
    created?: string | undefined;
    describes?: string | undefined;
    goVersion?: string | undefined;
    main?: BuildInfoModule | undefined;
    deps?: BuildInfoModule[] | undefined;
  },
): SbomContents | undefined {
  const { name, created, describes, goVersion, main, deps } = said;
  if (!name || !created || !describes || !goVersion || !main || !deps) return undefined;
  return {
    format,
    name,
    created,
    describes,
    buildInfo: { goVersion, path: main.path, main, deps, settings: {} },
  };
}

/** Every item a module (with its SHA-256 as h1), or undefined when one is not. */
function modules(
  items: readonly Json[],
  read: (item: Json) => [unknown, unknown, string | undefined],
): BuildInfoModule[] | undefined {
  const out: BuildInfoModule[] = [];
  for (const item of items) {
    const m = module(...read(item));
    if (!m) return undefined;
    out.push(m);
  }
  return out;
}

function fromSpdx(doc: Json): SbomContents | undefined {
  const packages = list(doc.packages);
  const byId = (id: string) => packages.find((p) => p.SPDXID === id);
  const image = byId('SPDXRef-image');
  const main = byId('SPDXRef-main');
  return assemble('spdx', {
    name: str(image?.name),
    created: str(isObject(doc.creationInfo) ? doc.creationInfo.created : undefined),
    describes: str(image?.versionInfo),
    goVersion: str(byId('SPDXRef-stdlib')?.versionInfo),
    main: main && module(main.name, main.versionInfo),
    deps: modules(
      packages.filter((p) => str(p.SPDXID)?.startsWith('SPDXRef-module-')),
      (p) => [
        p.name,
        p.versionInfo,
        str(list(p.checksums).find((c) => c.algorithm === 'SHA256')?.checksumValue),
      ],
    ),
  });
}

function fromCyclonedx(doc: Json): SbomContents | undefined {
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const image = isObject(metadata.component) ? metadata.component : undefined;
  const components = list(doc.components);
  const main = components.find((c) => c.type === 'application');
  const stdlib = components.find(
    (c) => c.type === 'library' && str(c.purl)?.startsWith('pkg:golang/stdlib@'),
  );
  return assemble('cyclonedx', {
    name: str(image?.name),
    created: str(metadata.timestamp),
    describes: str(image?.version),
    goVersion: str(stdlib?.version),
    main: main && module(main.name, main.version),
    deps: modules(
      components.filter((c) => c.type === 'library' && c !== stdlib),
      (c) => [c.name, c.version, str(list(c.hashes).find((h) => h.alg === 'SHA-256')?.content)],
    ),
  });
}

/** gantry's SBOM read back; undefined for anything else (another tool's, or not an SBOM). */
export function sbomContents(artifactType: string, bytes: Buffer): SbomContents | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  if (artifactType === SBOM_MEDIA_TYPE.spdx) return fromSpdx(doc);
  if (artifactType === SBOM_MEDIA_TYPE.cyclonedx) return fromCyclonedx(doc);
  return undefined;
}

/** One rebased platform image and what its attestations say. */
export interface RebasedImage {
  platform: string;
  /** The rebased platform manifest: the artifacts' subject. */
  descriptor: Descriptor;
  /** registry/repository of the image. */
  name: string;
  /** The image's time (a rebase keeps it). */
  created: string;
  /** The platform manifest before the rebase. */
  old: { name: string; digest: Digest };
  /** The new base of this platform, by digest. */
  base: { name: string; digest: Digest };
  /** The old image's SBOM, read back, when it had one of gantry's. */
  sbom?: SbomContents;
}

/**
 * An in-toto statement with a SLSA v1 predicate for a rebase: the old image and the new base are
 * what was resolved, the workflow that ran the rebase is the builder.
 */
export function rebaseProvenance(image: RebasedImage, run: BuildRun): object {
  const arch = image.platform.split('/')[1];
  const hex = (d: Digest) => d.slice('sha256:'.length);
  return {
    _type: IN_TOTO_STATEMENT,
    subject: [{ name: image.name, digest: { sha256: hex(image.descriptor.digest) } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: REBASE_BUILD_TYPE,
        externalParameters: {
          image: `${image.old.name}@${image.old.digest}`,
          base: image.base.name,
          platform: image.platform,
        },
        resolvedDependencies: [
          {
            uri: ociPurl(image.old.name, image.old.digest, arch),
            digest: { sha256: hex(image.old.digest) },
            name: 'image',
          },
          {
            uri: ociPurl(image.base.name, image.base.digest, arch),
            digest: { sha256: hex(image.base.digest) },
            name: 'base',
          },
        ],
      },
      runDetails: { builder: { id: run.builderId }, metadata: { invocationId: run.runUrl } },
    },
  };
}

/**
 * The attestations of rebased images, as build-push makes them: per platform an SBOM (the
 * modules of the old image's SBOM, this image's digest, the new base) in `sbom`'s format and a
 * rebase provenance statement, attached to the rebased manifest in `form` (referrers, the
 * image index, or both).
 */
export function rebasedAttestations(
  images: readonly RebasedImage[],
  o: {
    sbom: (image: RebasedImage) => SbomFormat | false;
    provenance: (image: RebasedImage) => boolean;
    /** Default: referrers. */
    form?: (image: RebasedImage) => AttestationForm;
    run: BuildRun;
  },
): {
  artifacts: ArtifactToPush[];
  inIndex: IndexAttestation[];
  attached: Record<string, Attached>;
} {
  const artifacts: ArtifactToPush[] = [];
  const inIndex: IndexAttestation[] = [];
  const attached: Record<string, Attached> = {};
  for (const image of images) {
    const format = o.sbom(image);
    let sbom: { format: SbomFormat; document: object } | undefined;
    if (format && image.sbom) {
      const subject: AttestedImage = {
        name: image.sbom.name,
        platform: image.platform,
        digest: image.descriptor.digest,
        created: image.sbom.created,
        buildInfo: image.sbom.buildInfo,
        revision: image.sbom.buildInfo.main?.version ?? '',
        base: image.base,
      };
      sbom = {
        format,
        document: format === 'spdx' ? spdxDocument(subject) : cyclonedxDocument(subject),
      };
    }
    const out = attachDocuments(
      image.descriptor,
      { name: image.name, created: image.created },
      {
        ...(sbom ? { sbom } : {}),
        ...(o.provenance(image) ? { provenance: rebaseProvenance(image, o.run) } : {}),
      },
      o.form?.(image) ?? 'referrers',
    );
    artifacts.push(...out.artifacts);
    if (out.inIndex) inIndex.push(out.inIndex);
    if (out.attached.sbom || out.attached.provenance) attached[image.platform] = out.attached;
  }
  return { artifacts, inIndex, attached };
}
