import type { Descriptor } from './descriptor.js';
import type { Digest } from './digest.js';
import { toBlob, type Blob, type ImageIndex, type ImageManifest } from './manifest.js';
import { MediaType } from './mediatypes.js';

/** The empty JSON `{}` an artifact carries as its config (OCI image-spec 1.1). */
export const EMPTY_JSON = Buffer.from('{}');
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: MediaType.ociEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};

/**
 * An OCI 1.1 artifact about `subject`: an image manifest whose artifactType names what it holds,
 * an empty config, the document as its one layer, and the subject it refers to.
 */
export function artifactManifest(
  subject: Descriptor,
  artifactType: string,
  content: Blob,
  annotations: Record<string, string>,
): Blob {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [{ mediaType: artifactType, digest: content.digest, size: content.bytes.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  return toBlob(MediaType.ociManifest, manifest);
}

/** The tag the referrers tag schema keeps a subject's referrers under: `sha256-<hex>`. */
export function referrersTag(subject: Digest): string {
  return subject.replace(':', '-');
}

/** The descriptor an artifact has in a referrers list: with its artifactType and annotations. */
export function referrerDescriptor(artifact: Blob): Descriptor {
  const m = JSON.parse(artifact.bytes.toString('utf8')) as ImageManifest;
  return {
    mediaType: artifact.mediaType,
    digest: artifact.digest,
    size: artifact.bytes.length,
    ...(m.artifactType ? { artifactType: m.artifactType } : {}),
    ...(m.annotations ? { annotations: m.annotations } : {}),
  };
}

/** A referrers list with `artifact` in it (once); undefined when it was there already. */
export function withReferrer(list: ImageIndex | undefined, artifact: Blob): ImageIndex | undefined {
  const current = list ?? { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  if (current.manifests.some((d) => d.digest === artifact.digest)) return undefined;
  return { ...current, manifests: [...current.manifests, referrerDescriptor(artifact)] };
}
