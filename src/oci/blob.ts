import { Readable } from 'node:stream';
import type { Descriptor } from './descriptor.js';
import type { Digest } from './digest.js';
import type { Blob } from './manifest.js';

/**
 * The contract between what makes images (builders, merge, rebase) and where they go (a registry
 * or an OCI layout): blobs that can be read again from the start or from any offset, and the
 * manifests that name them.
 */

/** A fresh stream of a blob's bytes, or of [start, end] (inclusive) for a chunk. */
export type BlobSource = (start?: number, end?: number) => Readable;

/** A blob to publish: its descriptor and how to read it. */
export interface BlobToPush {
  descriptor: Pick<Descriptor, 'digest' | 'size'>;
  source: BlobSource;
  /** Repositories it may be mounted from, on `mountRegistry` (any target registry when unset). */
  mountFrom?: readonly string[];
  mountRegistry?: string;
}

/** One image manifest and everything it points at. */
export interface ManifestToPush {
  manifest: Blob;
  blobs: BlobToPush[];
}

/** Takes blobs as they are made, to send them on before the image is complete. */
export interface BlobSink {
  offer(blob: BlobToPush): void;
}

/** An SBOM or attestation to attach: its manifest (with a subject) and the document it carries. */
export interface ArtifactToPush {
  manifest: Blob;
  content: Blob;
  subject: Digest;
}

export function bufferSource(bytes: Buffer): BlobSource {
  return (start, end) =>
    Readable.from([bytes.subarray(start ?? 0, end === undefined ? undefined : end + 1)]);
}

/** A serialised config (or any small blob) as something to push. */
export function blobToPush(blob: Blob): BlobToPush {
  return {
    descriptor: { digest: blob.digest, size: blob.bytes.length },
    source: bufferSource(blob.bytes),
  };
}
