import type { BlobSink, BlobToPush } from '../oci/blob.js';
import type { RegistryTarget } from './target.js';

/**
 * Uploads that start as a builder makes each blob, while other platforms still build: each
 * registry's first repository gets the bytes (the others mount them from it when publish comes).
 * A target uploads a digest once, so publish awaits these very uploads and reports their failures.
 */
export class EarlyUploads implements BlobSink {
  private readonly receivers: RegistryTarget[];
  constructor(targets: readonly RegistryTarget[]) {
    this.receivers = targets.filter((t) => !t.siblings.length);
    // reads only (scheme, token): nothing is written before the blobs exist
    for (const t of targets) void t.client.warm(t.repository);
  }
  offer(b: BlobToPush): void {
    for (const t of this.receivers)
      t.putBlob(b.descriptor, b.source, b.mountFrom ?? [], b.mountRegistry).catch(() => undefined);
  }
}
