import type { Descriptor } from './descriptor.js';
import { sha256Digest, type Digest } from './digest.js';
import { MediaType } from './mediatypes.js';
import type { Platform } from './platform.js';

/** An image manifest (OCI or Docker v2 schema 2). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
  artifactType?: string;
}

/** An image index or Docker manifest list. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
}

/** The image config fields gantry reads and writes. */
export interface ImageConfig extends Platform {
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, object>;
    StopSignal?: string;
  };
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
}

/** A serialised manifest, index or config: the exact bytes its digest is of. */
export interface Blob {
  mediaType: string;
  bytes: Buffer;
  digest: Digest;
}

/** Canonical bytes: compact JSON in the key order the object was built with. */
export function toBlob(mediaType: string, value: unknown): Blob {
  const bytes = Buffer.from(JSON.stringify(value));
  return { mediaType, bytes, digest: sha256Digest(bytes) };
}

export function descriptorOf(blob: Blob, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.bytes.length, ...extra };
}

/** The media type a manifest body names for itself (schema 2 always carries one we accept). */
export function mediaTypeOfManifest(bytes: Buffer, fallback?: string): string {
  const parsed = JSON.parse(bytes.toString('utf8')) as {
    mediaType?: string;
    manifests?: unknown;
    config?: unknown;
  };
  if (parsed.mediaType) return parsed.mediaType;
  if (fallback) return fallback;
  return parsed.manifests ? MediaType.ociIndex : MediaType.ociManifest;
}
