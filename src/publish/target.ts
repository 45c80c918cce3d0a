import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { referrerDescriptor, referrersTag, withReferrer } from '../oci/artifact.js';
import { OciLayout } from '../oci/layout.js';
import { toBlob, type Blob, type ImageIndex } from '../oci/manifest.js';
import { MediaType } from '../oci/mediatypes.js';
import { isNotFound } from '../oci/registry/errors.js';
import { type ArtifactToPush, type BlobSource } from '../oci/blob.js';
import type { PushBlobResult, RegistryClient } from '../oci/registry/client.js';

/** Where images go: a registry repository or an OCI layout. One interface, two sinks. */
export interface Target {
  /** For logs and outputs: `registry/repository` or `oci:<dir>`. */
  readonly name: string;
  /** Stores a blob the sink lacks: asked about (or mounted) first, uploaded only when missing. */
  putBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    mountFrom?: readonly string[],
    mountRegistry?: string,
  ): Promise<PushBlobResult>;
  hasManifest(digest: Digest): Promise<boolean>;
  /** Stores a manifest or index by digest, or under a tag. */
  putManifest(blob: Blob, tag?: string): Promise<void>;
  /** Reads a manifest back by digest: it is there, byte for byte, or this throws saying so. */
  readBack(blob: Blob): Promise<void>;
  /**
   * Stores artifacts that refer to one image (one subject), findable from that image (OCI 1.1
   * referrers); their blobs are there already (publish sends every blob first).
   */
  attach(artifacts: readonly ArtifactToPush[]): Promise<void>;
}

/** What was pushed is not what is there when read back: the sink lost or changed it. */
export class StoredWrongError extends Error {
  override readonly name = 'StoredWrongError';
  readonly expected = true;
  constructor(target: string, digest: Digest, why: string) {
    super(`${target} took ${digest} but does not give it back as it was sent: ${why}`);
  }
}

/** One upload per digest per target: a layer pushed early is not pushed again by publish. */
class BlobOnce {
  private readonly pending = new Map<Digest, Promise<PushBlobResult>>();
  run(digest: Digest, fn: () => Promise<PushBlobResult>): Promise<PushBlobResult> {
    let p = this.pending.get(digest);
    if (!p) {
      p = fn();
      this.pending.set(digest, p);
      p.catch(() => this.pending.delete(digest));
    }
    return p;
  }
}

export class RegistryTarget implements Target {
  readonly name: string;
  private readonly once = new BlobOnce();
  /**
   * `siblings`: repositories of the same registry that hold every blob of this push by the time
   * it comes here (pushed there first): a blob this repository lacks is mounted from them, not
   * sent again.
   */
  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
    readonly siblings: readonly string[] = [],
  ) {
    this.name = `${client.registry}/${repository}`;
  }
  putBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    mountFrom: readonly string[] = [],
    mountRegistry?: string,
  ): Promise<PushBlobResult> {
    // a mount names a repository of the same registry; from elsewhere the blob is streamed
    const sameRegistry = mountRegistry === undefined || mountRegistry === this.client.registry;
    const from = [...this.siblings, ...(sameRegistry ? mountFrom : [])];
    return this.once.run(desc.digest, () =>
      this.client.pushBlob(this.repository, desc, source, from),
    );
  }
  async hasManifest(digest: Digest): Promise<boolean> {
    return (await this.client.headManifest(this.repository, digest)) !== undefined;
  }
  async putManifest(blob: Blob, tag?: string): Promise<void> {
    await this.client.putManifest(this.repository, tag ?? blob.digest, blob);
  }
  async readBack(blob: Blob): Promise<void> {
    let served: Blob;
    try {
      served = await this.client.getManifest(this.repository, blob.digest);
    } catch (err) {
      throw new StoredWrongError(this.name, blob.digest, (err as Error).message);
    }
    if (!served.bytes.equals(blob.bytes))
      throw new StoredWrongError(this.name, blob.digest, 'other bytes under its digest');
  }
  /**
   * The manifests by digest (publish sent their blobs with the image's); a registry without the
   * referrers API gets the subject's referrers tag (`sha256-<hex>`) — read meanwhile — extended
   * with all of them and written once.
   */
  async attach(artifacts: readonly ArtifactToPush[]): Promise<void> {
    const subject = artifacts[0]?.subject;
    if (!subject) return;
    // read while the blobs and manifests go up; used only where the registry lacks the API
    const tag = referrersTag(subject);
    const current = this.client.getManifest(this.repository, tag).then(
      (b) => JSON.parse(b.bytes.toString('utf8')) as ImageIndex,
      (err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      },
    );
    current.catch(() => undefined);
    // one after another: a registry with the referrers API lists them in the order they came
    const answered: boolean[] = [];
    for (const a of artifacts)
      answered.push(await this.client.putReferrer(this.repository, a.manifest));
    if (answered.every(Boolean)) return;
    let list = await current;
    let changed = false;
    for (const a of artifacts) {
      const next = withReferrer(list, a.manifest);
      if (next) [list, changed] = [next, true];
    }
    if (changed && list)
      await this.client.putManifest(this.repository, tag, toBlob(MediaType.ociIndex, list));
  }
}

export class LayoutTarget implements Target {
  readonly name: string;
  constructor(readonly layout: OciLayout) {
    this.name = `oci:${layout.dir}`;
  }
  /** The layout in `dir`, made when it is not there yet. */
  static async open(dir: string): Promise<LayoutTarget> {
    const layout = new OciLayout(dir);
    await layout.init();
    return new LayoutTarget(layout);
  }
  async putBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
  ): Promise<PushBlobResult> {
    const written = await this.layout.writeBlob(desc, source);
    return written ? { status: 'uploaded', bytes: desc.size } : { status: 'existed', bytes: 0 };
  }
  hasManifest(digest: Digest): Promise<boolean> {
    return this.layout.hasBlob(digest);
  }
  async readBack(blob: Blob): Promise<void> {
    const stored = await this.layout.readBlob(blob.digest).catch((err: Error) => {
      throw new StoredWrongError(this.name, blob.digest, err.message);
    });
    if (!stored.equals(blob.bytes))
      throw new StoredWrongError(this.name, blob.digest, 'other bytes under its digest');
  }
  async putManifest(blob: Blob, tag?: string): Promise<void> {
    await this.layout.writeBlob({ digest: blob.digest, size: blob.bytes.length }, blob.bytes);
    if (tag)
      await this.layout.addToIndex(
        { mediaType: blob.mediaType, digest: blob.digest, size: blob.bytes.length },
        tag,
      );
  }
  /** index.json is read, extended and written: one attach at a time. */
  private attaching: Promise<void> = Promise.resolve();

  /** The artifacts' blobs and manifests, listed in index.json with their subject and type. */
  attach(artifacts: readonly ArtifactToPush[]): Promise<void> {
    const next = this.attaching.then(async () => {
      for (const a of artifacts) await this.attachNow(a);
    });
    this.attaching = next.catch(() => undefined);
    return next;
  }

  private async attachNow(a: ArtifactToPush): Promise<void> {
    await this.layout.writeBlob(
      { digest: a.manifest.digest, size: a.manifest.bytes.length },
      a.manifest.bytes,
    );
    await this.layout.addToIndex(referrerDescriptor(a.manifest));
  }
}

/**
 * One target per repository: a registry's first repository gets the bytes; its others mount
 * them from it (published after it).
 */
export function registryTargets<T extends { ref: { registry: string; repository: string } }>(
  destinations: readonly T[],
  clientFor: (registry: string) => RegistryClient,
): (T & { target: RegistryTarget })[] {
  const firstIn = new Map<string, string>();
  return destinations.map((d) => {
    const holder = firstIn.get(d.ref.registry);
    if (!holder) firstIn.set(d.ref.registry, d.ref.repository);
    const target = new RegistryTarget(
      clientFor(d.ref.registry),
      d.ref.repository,
      holder ? [holder] : [],
    );
    return { ...d, target };
  });
}
