import * as core from '../runtime/core.js';
import type { Timeline } from '../runtime/timeline.js';
import { mapLimit } from '../runtime/concurrency.js';
import type { Digest } from '../oci/digest.js';
import type { Blob } from '../oci/manifest.js';
import {
  blobToPush,
  bufferSource,
  type ArtifactToPush,
  type BlobToPush,
  type ManifestToPush,
} from '../oci/blob.js';
import { EMPTY_DESCRIPTOR, EMPTY_JSON } from '../oci/artifact.js';
import type { Target } from './target.js';

export interface PublishStats {
  blobsUploaded: number;
  blobsMounted: number;
  blobsExisting: number;
  bytesUploaded: number;
  manifests: number;
  artifacts: number;
}

/**
 * Publishes in the only order that never shows half an image: every blob (the attestations'
 * documents among them), then the platform manifests by digest — each one's SBOM and provenance
 * right after it — then the index by digest, and only then the tags.
 */
export async function publish(
  target: Target,
  manifests: readonly ManifestToPush[],
  top: Blob,
  tags: readonly string[],
  opts: { concurrency?: number; artifacts?: readonly ArtifactToPush[] } = {},
): Promise<PublishStats> {
  const stats: PublishStats = {
    blobsUploaded: 0,
    blobsMounted: 0,
    blobsExisting: 0,
    bytesUploaded: 0,
    manifests: 0,
    artifacts: 0,
  };
  // 8: the layers (often already on their way) do not hold back configs and documents
  const concurrency = opts.concurrency ?? 8;
  const blobs = new Map<Digest, BlobToPush>();
  for (const m of manifests) for (const b of m.blobs) blobs.set(b.descriptor.digest, b);
  for (const a of opts.artifacts ?? [])
    for (const b of artifactBlobs(a))
      if (!blobs.has(b.descriptor.digest)) blobs.set(b.descriptor.digest, b);
  await mapLimit([...blobs.values()], concurrency, async (b) => {
    // each asked about (HEAD, or mounted) before it is sent: the HEADs of the blobs already
    // there run beside the uploads of those that are not
    const r = await target.putBlob(b.descriptor, b.source, b.mountFrom ?? [], b.mountRegistry);
    if (r.status === 'uploaded') stats.blobsUploaded++;
    else if (r.status === 'mounted') stats.blobsMounted++;
    else stats.blobsExisting++;
    stats.bytesUploaded += r.bytes;
  });
  // SBOMs and provenance refer to a platform manifest: attached once it exists, while the
  // other manifests and the index go up; a tag then finds them with the image
  const bySubject = new Map<Digest, ArtifactToPush[]>();
  for (const a of opts.artifacts ?? [])
    bySubject.set(a.subject, [...(bySubject.get(a.subject) ?? []), a]);
  const attaching: Promise<void>[] = [];
  const attach = (subject: Digest) => {
    const group = bySubject.get(subject);
    if (!group) return;
    bySubject.delete(subject);
    const p = target.attach(group).then(() => void (stats.artifacts += group.length));
    // awaited below; a failure meanwhile is not an unhandled rejection
    p.catch(() => undefined);
    attaching.push(p);
  };
  const platformManifests = new Map<Digest, Blob>();
  for (const m of manifests)
    if (m.manifest.digest !== top.digest) platformManifests.set(m.manifest.digest, m.manifest);
  // by digest, so at once: none is visible under a tag until the index is
  await mapLimit([...platformManifests.values()], concurrency, async (m) => {
    await target.putManifest(m);
    attach(m.digest);
  });
  stats.manifests += platformManifests.size;
  await target.putManifest(top);
  stats.manifests++;
  for (const subject of [...bySubject.keys()]) attach(subject);
  await Promise.all(attaching);
  // one at a time: an OCI layout's index.json is rewritten for each
  for (const tag of tags) await target.putManifest(top, tag);
  // what a tag now names, read back (one GET): a sink that took it and kept nothing is said
  await target.readBack(top);
  return stats;
}

/** An artifact's blobs: the empty config and its document. */
function artifactBlobs(a: ArtifactToPush): BlobToPush[] {
  return [
    { descriptor: EMPTY_DESCRIPTOR, source: bufferSource(EMPTY_JSON) },
    blobToPush(a.content),
  ];
}

/** publish(), timed on the timeline (`push`, or `oci-layout`), and what went where said. */
export async function publishTimed(
  timeline: Timeline,
  target: Target,
  image: { images: readonly ManifestToPush[]; index: Blob },
  tags: readonly string[],
  opts: { artifacts?: readonly ArtifactToPush[] } = {},
): Promise<PublishStats> {
  const layout = target.name.startsWith('oci:');
  return timeline.phase(layout ? 'oci-layout' : 'push', async (attrs) => {
    const s = await publish(target, image.images, image.index, tags, opts);
    const where = layout ? { dir: target.name.slice(4) } : { repository: target.name };
    Object.assign(attrs, { ...where, tags: [...tags], ...s });
    core.info(
      `Published ${target.name}@${image.index.digest} ${tags.length ? `as ${tags.join(', ')}` : 'by digest, untagged'}: ${s.blobsUploaded} blobs uploaded (${s.bytesUploaded} bytes), ${s.blobsMounted} mounted, ${s.blobsExisting} already there`,
    );
    return s;
  });
}
