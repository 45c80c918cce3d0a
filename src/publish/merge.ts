import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { buildIndex } from '../oci/index.js';
import type { Blob, ImageConfig, ImageIndex, ImageManifest } from '../oci/manifest.js';
import { isIndexMediaType, MediaType } from '../oci/mediatypes.js';
import type { Platform } from '../oci/platform.js';
import { formatReference, type Reference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/registry/client.js';
import { RegistryError } from '../oci/registry/errors.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { BlobToPush, ManifestToPush } from './publish.js';

/** A source image resolved: what goes in the index, and the manifests that must exist beside it. */
export interface ResolvedSource {
  reference: Reference;
  children: Descriptor[];
  manifests: SourceManifest[];
}

/** A manifest found in a source repository, with the blobs it references. */
export interface SourceManifest {
  client: RegistryClient;
  repository: string;
  manifest: Blob;
  blobs: Descriptor[];
}

function platformOf(config: ImageConfig): Platform {
  const p: Platform = { os: config.os, architecture: config.architecture };
  if (config.variant) p.variant = config.variant;
  if (config['os.version']) p['os.version'] = config['os.version'];
  return p;
}

async function readImage(
  client: RegistryClient,
  repository: string,
  manifest: Blob,
): Promise<SourceManifest> {
  const m = JSON.parse(manifest.bytes.toString('utf8')) as ImageManifest;
  // foreign layers (with urls) are not stored in registries; do not copy them
  const blobs = [
    m.config,
    ...m.layers.filter((l) => !l.urls?.length && l.mediaType !== MediaType.dockerForeignLayer),
  ];
  return { client, repository, manifest, blobs };
}

/**
 * A blob a source's manifest names that neither the target repository nor the source has: the
 * index would name an image that cannot be pulled.
 */
export class MissingBlobError extends Error {
  override readonly name = 'MissingBlobError';
  constructor(
    readonly source: Reference,
    readonly manifest: Digest,
    readonly blob: Digest,
    readonly target: string,
  ) {
    super(
      `${formatReference(source)}: its manifest ${manifest} names the blob ${blob}, which neither ${source.registry}/${source.repository} nor ${target} has`,
    );
  }
}

/**
 * Every blob of every source's manifests (attestations included) is in the target repository,
 * or in the source it can be mounted or copied from: checked before anything is written, so a
 * tag never names an image with a blob missing — also when the manifest is there already.
 */
export async function checkBlobs(
  target: { client: RegistryClient; repository: string; name: string },
  sources: readonly ResolvedSource[],
): Promise<void> {
  const checks = sources.flatMap((s) =>
    s.manifests.flatMap((m) => m.blobs.map((b) => ({ s, m, digest: b.digest }))),
  );
  await mapLimit(checks, 8, async ({ s, m, digest }) => {
    if (await target.client.blobExists(target.repository, digest)) return;
    if (await m.client.blobExists(m.repository, digest)) return;
    throw new MissingBlobError(s.reference, m.manifest.digest, digest, target.name);
  });
}

/** A source, or a manifest its index lists, that the registry does not have. */
export class MissingManifestError extends Error {
  override readonly name = 'MissingManifestError';
  constructor(
    readonly source: Reference & { digest: Digest },
    readonly missing: Digest,
  ) {
    super(
      missing === source.digest
        ? `the registry has no manifest ${missing}`
        : `its index lists ${missing}, which the registry does not have`,
    );
  }
}

/**
 * Resolves an `image@digest` source: an image manifest becomes one child with the platform of
 * its config; an index contributes all its children (attestations included), in its order.
 */
export async function resolveSource(
  client: RegistryClient,
  reference: Reference & { digest: Digest },
): Promise<ResolvedSource> {
  const repo = reference.repository;
  const get = async (digest: Digest) => {
    try {
      return await client.getManifest(repo, digest);
    } catch (err) {
      if (err instanceof RegistryError && err.status === 404)
        throw new MissingManifestError(reference, digest);
      throw err;
    }
  };
  const top = await get(reference.digest);
  if (isIndexMediaType(top.mediaType)) {
    const index = JSON.parse(top.bytes.toString('utf8')) as ImageIndex;
    const manifests: SourceManifest[] = [];
    for (const child of index.manifests) {
      if (isIndexMediaType(child.mediaType))
        throw new Error(
          `${reference.repository}@${reference.digest} nests an index (${child.digest}); merge takes images or flat indexes`,
        );
      manifests.push(await readImage(client, repo, await get(child.digest)));
    }
    return { reference, children: index.manifests, manifests };
  }
  const image = await readImage(client, repo, top);
  const m = JSON.parse(top.bytes.toString('utf8')) as ImageManifest;
  const config = JSON.parse(
    (await client.getBlob(repo, m.config.digest)).toString('utf8'),
  ) as ImageConfig;
  if (!config.os || !config.architecture)
    throw new Error(
      `${reference.repository}@${reference.digest}: image config has no os/architecture`,
    );
  const child: Descriptor = {
    mediaType: top.mediaType,
    digest: top.digest,
    size: top.bytes.length,
    platform: platformOf(config),
  };
  return { reference, children: [child], manifests: [image] };
}

/** One index over all sources' children, in source order; Docker list only when all are Docker and unannotated. */
export function mergeIndex(
  sources: readonly ResolvedSource[],
  annotations: Record<string, string>,
): { index: ImageIndex; blob: Blob } {
  const children = sources.flatMap((s) => s.children);
  const allDocker = children.every((c) => c.mediaType === MediaType.dockerManifest);
  const mediaType =
    allDocker && Object.keys(annotations).length === 0
      ? MediaType.dockerManifestList
      : MediaType.ociIndex;
  return buildIndex(children, { annotations, mediaType });
}

/** What to push so every child exists in the target: mounted within a registry, streamed across. */
export function copyPlan(manifests: readonly SourceManifest[]): ManifestToPush[] {
  return manifests.map((m) => ({
    manifest: m.manifest,
    blobs: m.blobs.map((b): BlobToPush => ({
      descriptor: b,
      source: m.client.openBlob(m.repository, b.digest),
      mountFrom: [m.repository],
      mountRegistry: m.client.registry,
    })),
  }));
}
