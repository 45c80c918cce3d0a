import type { BlobSource, BlobToPush } from './blob.js';
import type { Descriptor } from './descriptor.js';
import { sha256Digest, type Digest } from './digest.js';
import { platformImages } from './index.js';
import type { OciLayout } from './layout.js';
import {
  mediaTypeOfManifest,
  type Blob,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from './manifest.js';
import { Annotation, isIndexMediaType, MediaType } from './mediatypes.js';
import type { Platform } from './platform.js';
import type { RegistryClient } from './registry/client.js';
import { isNotFound } from './registry/errors.js';

/**
 * The one reader of a published image: its top manifest, the index (if it is one) and the
 * manifests it lists, from a registry repository or an OCI layout alike.
 */

/** Where an image is read: a registry repository or an OCI layout. */
export interface ImageStore {
  /** `registry/repository` or `oci:<dir>`. */
  readonly name: string;
  /** A manifest by digest or tag (a layout's ref name); undefined when there is none. */
  manifest(reference: string): Promise<Blob | undefined>;
  blob(digest: Digest): Promise<Buffer>;
  open(digest: Digest): BlobSource;
  /** Where its blobs can be mounted from, within its registry (a registry store only). */
  readonly mount?: { registry: string; repository: string };
}

export function registryStore(client: RegistryClient, repository: string): ImageStore {
  return {
    name: `${client.registry}/${repository}`,
    mount: { registry: client.registry, repository },
    manifest: (reference) =>
      client.getManifest(repository, reference).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      }),
    blob: (digest) => client.getBlob(repository, digest),
    open: (digest) => client.openBlob(repository, digest),
  };
}

/** A layout's blobs, each checked against its digest as it is read; a tag is a ref name. */
export function layoutStore(layout: OciLayout): ImageStore {
  const blob = async (digest: Digest) => {
    const bytes = await layout.readBlob(digest);
    if (sha256Digest(bytes) !== digest)
      throw new Error(`oci:${layout.dir}: blob ${digest} does not match its digest`);
    return bytes;
  };
  return {
    name: `oci:${layout.dir}`,
    async manifest(reference) {
      let digest = reference as Digest;
      if (!reference.startsWith('sha256:')) {
        const named = (await layout.readIndex()).manifests.find(
          (m) => m.annotations?.[Annotation.refName] === reference,
        );
        if (!named) return undefined;
        digest = named.digest;
      }
      const bytes = await blob(digest).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      return bytes && { mediaType: mediaTypeOfManifest(bytes), digest, bytes };
    },
    blob,
    open: (digest) => layout.openBlob(digest),
  };
}

/** A published image's top: its manifest, and the index when it is one. */
export interface ImageTop {
  top: Blob;
  index?: ImageIndex;
}

/** The top manifest of an image; undefined when the store has none. */
export async function readTop(store: ImageStore, reference: string): Promise<ImageTop | undefined> {
  const top = await store.manifest(reference);
  if (!top) return undefined;
  return isIndexMediaType(top.mediaType) ? { top, index: parseJson<ImageIndex>(top) } : { top };
}

/** One manifest an image lists, read: its bytes, its content and its config when asked for. */
export interface StoredManifest {
  /** Its entry in the index (a bare manifest: its own, with its config's platform). */
  descriptor: Descriptor & { platform?: Platform };
  blob: Blob;
  manifest: ImageManifest;
  config?: ImageConfig;
}

/** A manifest an index names that the store does not have. */
export class MissingManifestError extends Error {
  override readonly name = 'MissingManifestError';
  readonly expected = true;
  constructor(
    readonly store: string,
    readonly missing: Digest,
  ) {
    super(`${store} has no manifest ${missing}`);
  }
}

/** A config's platform, as an index entry gives it. */
export function platformOfConfig(config: ImageConfig): Platform {
  const p: Platform = { os: config.os, architecture: config.architecture };
  if (config.variant) p.variant = config.variant;
  if (config['os.version']) p['os.version'] = config['os.version'];
  return p;
}

/** Reads one manifest the top lists (or the top itself), and its config when asked. */
export async function readManifest(
  store: ImageStore,
  image: ImageTop,
  descriptor: Descriptor,
  opts: { config?: boolean } = {},
): Promise<StoredManifest> {
  const blob =
    descriptor.digest === image.top.digest ? image.top : await store.manifest(descriptor.digest);
  if (!blob) throw new MissingManifestError(store.name, descriptor.digest);
  const manifest = parseJson<ImageManifest>(blob);
  const config =
    opts.config || !descriptor.platform
      ? (JSON.parse((await store.blob(manifest.config.digest)).toString('utf8')) as ImageConfig)
      : undefined;
  return {
    descriptor: descriptor.platform
      ? descriptor
      : { ...descriptor, platform: platformOfConfig(config!) },
    blob,
    manifest,
    ...(config ? { config } : {}),
  };
}

/** What the top lists: an index's entries, or the bare manifest itself. */
export function listed(image: ImageTop): Descriptor[] {
  return image.index
    ? image.index.manifests
    : [{ mediaType: image.top.mediaType, digest: image.top.digest, size: image.top.bytes.length }];
}

/**
 * A published image with the manifests it lists: every one (`all`: attestation manifests too,
 * as a copy needs them) or its platform images; undefined when the store has no such image.
 */
export async function readImage(
  store: ImageStore,
  reference: string,
  opts: { all?: boolean; configs?: boolean } = {},
): Promise<(ImageTop & { manifests: StoredManifest[] }) | undefined> {
  const image = await readTop(store, reference);
  if (!image) return undefined;
  const entries = image.index && !opts.all ? platformImages(image.index.manifests) : listed(image);
  const manifests: StoredManifest[] = [];
  for (const d of entries) {
    if (isIndexMediaType(d.mediaType))
      throw new Error(
        `${store.name}@${image.top.digest} nests an index (${d.digest}); an image or a flat index is read`,
      );
    manifests.push(await readManifest(store, image, d, { config: opts.configs ?? false }));
  }
  return { ...image, manifests };
}

/**
 * A manifest's blobs as things to copy: read from the store, mounted within its registry; foreign
 * layers (with urls) are not stored in registries and are left out.
 */
export function blobsToCopy(store: ImageStore, m: StoredManifest): BlobToPush[] {
  return [
    m.manifest.config,
    ...m.manifest.layers.filter(
      (l) => !l.urls?.length && l.mediaType !== MediaType.dockerForeignLayer,
    ),
  ].map((d) => ({
    descriptor: d,
    source: store.open(d.digest),
    ...(store.mount
      ? { mountFrom: [store.mount.repository], mountRegistry: store.mount.registry }
      : {}),
  }));
}

function parseJson<T>(blob: Blob): T {
  return JSON.parse(blob.bytes.toString('utf8')) as T;
}
