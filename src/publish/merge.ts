import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { indexOver } from '../oci/index.js';
import {
  blobsToCopy,
  MissingManifestError as ManifestNotThereError,
  readImage,
  registryStore,
} from '../oci/read.js';
import type { Blob, ImageIndex } from '../oci/manifest.js';
import { formatReference, type Reference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/registry/client.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { ManifestToPush } from '../oci/blob.js';

/** A source image resolved: what goes in the index, and the manifests that must exist beside it. */
export interface ResolvedSource {
  reference: Reference;
  children: Descriptor[];
  manifests: SourceManifest[];
}

/** A manifest found in a source repository, with the blobs it references. */
export interface SourceManifest extends ManifestToPush {
  client: RegistryClient;
  repository: string;
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
    s.manifests.flatMap((m) => m.blobs.map((b) => ({ s, m, digest: b.descriptor.digest }))),
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
  const store = registryStore(client, reference.repository);
  const read = await readImage(store, reference.digest, { all: true }).catch((err: unknown) => {
    if (err instanceof ManifestNotThereError)
      throw new MissingManifestError(reference, err.missing);
    throw err;
  });
  if (!read) throw new MissingManifestError(reference, reference.digest);
  if (!read.index && (!read.manifests[0]?.config?.os || !read.manifests[0].config.architecture))
    throw new Error(
      `${reference.repository}@${reference.digest}: image config has no os/architecture`,
    );
  return {
    reference,
    children: read.manifests.map((m) => m.descriptor),
    manifests: read.manifests.map((m) => ({
      client,
      repository: reference.repository,
      manifest: m.blob,
      blobs: blobsToCopy(store, m),
    })),
  };
}

/** One index over all sources' children, in source order. */
export function mergeIndex(
  sources: readonly ResolvedSource[],
  annotations: Record<string, string>,
): { index: ImageIndex; blob: Blob } {
  return indexOver(
    sources.flatMap((s) => s.children),
    annotations,
  );
}
