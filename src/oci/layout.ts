import { spaceError } from '../runtime/fs.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Descriptor } from './descriptor.js';
import { DigestingCounter, digestAlgorithm, digestHex, type Digest } from './digest.js';
import type { ImageIndex } from './manifest.js';
import { Annotation, MediaType } from './mediatypes.js';
import type { BlobSource } from './blob.js';

export const LAYOUT_VERSION = { imageLayoutVersion: '1.0.0' } as const;

/** An OCI image layout on disk: `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. */
export class OciLayout {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    if (!(await exists(join(this.dir, 'oci-layout'))))
      await atomicWrite(join(this.dir, 'oci-layout'), JSON.stringify(LAYOUT_VERSION));
    if (!(await exists(join(this.dir, 'index.json'))))
      await this.writeIndex({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] });
  }

  blobPath(digest: Digest): string {
    return join(this.dir, 'blobs', digestAlgorithm(digest), digestHex(digest));
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    return exists(this.blobPath(digest));
  }

  /** Writes a blob through a temp file, checking digest and size before it becomes visible. */
  async writeBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource | Buffer,
  ): Promise<boolean> {
    const path = this.blobPath(desc.digest);
    if (await exists(path)) return false;
    await mkdir(join(this.dir, 'blobs', digestAlgorithm(desc.digest)), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    const counter = new DigestingCounter();
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        counter.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      const input = Buffer.isBuffer(source) ? [source] : source();
      await pipeline(input, tap, createWriteStream(tmp)).catch(async (err: unknown) => {
        throw await spaceError(err, tmp, desc.size);
      });
      const digest = counter.digest();
      if (digest !== desc.digest || counter.size !== desc.size) {
        throw new Error(
          `blob content is ${digest} (${counter.size} bytes), expected ${desc.digest} (${desc.size} bytes)`,
        );
      }
      await rename(tmp, path);
      return true;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  readBlob(digest: Digest): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  openBlob(digest: Digest): BlobSource {
    return (start, end) =>
      createReadStream(this.blobPath(digest), {
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
      });
  }

  async readIndex(): Promise<ImageIndex> {
    return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as ImageIndex;
  }

  private writeIndex(index: ImageIndex): Promise<void> {
    return atomicWrite(join(this.dir, 'index.json'), JSON.stringify(index));
  }

  /**
   * Lists a manifest in index.json, named by `org.opencontainers.image.ref.name` when a name is
   * given; an earlier entry with that name is replaced, as a tag moves.
   */
  async addToIndex(desc: Descriptor, refName?: string): Promise<void> {
    const index = await this.readIndex();
    const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
    if (desc.platform) entry.platform = desc.platform;
    if (desc.artifactType) entry.artifactType = desc.artifactType;
    const annotations = {
      ...(desc.annotations ?? {}),
      ...(refName ? { [Annotation.refName]: refName } : {}),
    };
    if (Object.keys(annotations).length) entry.annotations = annotations;
    index.manifests = index.manifests.filter((m) =>
      refName
        ? m.annotations?.[Annotation.refName] !== refName
        : !(m.digest === desc.digest && !m.annotations?.[Annotation.refName]),
    );
    index.manifests.push(entry);
    // named images first: tools that take a layout's first entry (trivy --input, skopeo without
    // a tag) find the image, not an SBOM or attestation listed beside it
    const named = (d: Descriptor) => Boolean(d.annotations?.[Annotation.refName]);
    index.manifests = [
      ...index.manifests.filter(named),
      ...index.manifests.filter((d) => !named(d)),
    ];
    await this.writeIndex(index);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function atomicWrite(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
