import type { Descriptor } from './descriptor.js';
import { InvalidIndexError } from './errors.js';
import { type Blob, type ImageIndex, toBlob } from './manifest.js';
import { ATTESTATION, MediaType } from './mediatypes.js';
import { formatPlatform, isUnknownPlatform } from './platform.js';

export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION.referenceType] === ATTESTATION.manifestType;
}

/**
 * The platform images an index lists: entries with a platform, not `unknown/unknown` and not an
 * attestation manifest (BuildKit's, or anything annotated as one).
 */
export function platformImages(manifests: readonly Descriptor[]): Descriptor[] {
  return manifests.filter((d) => d.platform && !isUnknownPlatform(d.platform) && !isAttestation(d));
}

/** `{ "linux/amd64": "sha256:…" }`: each platform image's manifest digest. */
export function platformDigests(manifests: readonly Descriptor[]): Record<string, string> {
  return Object.fromEntries(
    platformImages(manifests).map((d) => [formatPlatform(d.platform!), d.digest]),
  );
}

/**
 * Assembles an index from child descriptors, keeping their order; platform images first in the
 * order given, each attestation manifest after them (as BuildKit writes them). Two children of
 * the same platform, or a platform image without a platform, are an error: the index would be
 * ambiguous to a puller.
 */
export function buildIndex(
  children: readonly Descriptor[],
  opts: { annotations?: Record<string, string>; mediaType?: string } = {},
): { index: ImageIndex; blob: Blob } {
  const images = children.filter((d) => !isAttestation(d));
  const attestations = children.filter(isAttestation);
  const seen = new Map<string, Descriptor>();
  for (const d of images) {
    if (!d.platform || isUnknownPlatform(d.platform))
      throw new InvalidIndexError(`manifest ${d.digest} has no platform; an index entry needs one`);
    const key = formatPlatform(d.platform);
    const other = seen.get(key);
    if (other && other.digest !== d.digest)
      throw new InvalidIndexError(`two manifests for ${key}: ${other.digest} and ${d.digest}`);
    seen.set(key, d);
  }
  const unique = [...new Map([...images, ...attestations].map((d) => [d.digest, d])).values()];
  const mediaType = opts.mediaType ?? MediaType.ociIndex;
  const index: ImageIndex = { schemaVersion: 2, mediaType, manifests: unique };
  if (opts.annotations && Object.keys(opts.annotations).length > 0)
    index.annotations = opts.annotations;
  return { index, blob: toBlob(mediaType, index) };
}

/**
 * One index over the children of several images, in their order: a Docker manifest list only
 * when every child is a Docker manifest and nothing is annotated, else an OCI index.
 */
export function indexOver(
  children: readonly Descriptor[],
  annotations: Record<string, string>,
): { index: ImageIndex; blob: Blob } {
  const allDocker = children.every((c) => c.mediaType === MediaType.dockerManifest);
  const mediaType =
    allDocker && Object.keys(annotations).length === 0
      ? MediaType.dockerManifestList
      : MediaType.ociIndex;
  return buildIndex(children, { annotations, mediaType });
}

/** The index with more children after its own (an attestation manifest per platform image). */
export function withChildren(index: Blob, extra: readonly Descriptor[]): Blob {
  if (!extra.length) return index;
  const parsed = JSON.parse(index.bytes.toString('utf8')) as ImageIndex;
  return toBlob(index.mediaType, { ...parsed, manifests: [...parsed.manifests, ...extra] });
}
