import { resolveBase, type PlatformBase } from '../image/base.js';
import { blobToPush, type BlobToPush, type ManifestToPush } from '../oci/blob.js';
import type { Digest } from '../oci/digest.js';
import { Annotation } from '../oci/mediatypes.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import { listed, readImage, readManifest, readTop, registryStore } from '../oci/read.js';
import { formatReference, parseReference, type Reference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/registry/client.js';
import type { RegistryPool } from '../oci/registry/pool.js';
import { ValidationError } from '../runtime/errors.js';
import type { Timeline } from '../runtime/timeline.js';
import { readAttachments, type Attachments } from './attached.js';
import { RebaseRefusal, rebaseImage, type PlatformImageRead } from './rebase.js';

/** The image as it is: each platform image's manifest and config; undefined when it is not there. */
async function readRebased(client: RegistryClient, image: Reference) {
  const store = registryStore(client, image.repository);
  const read = await readImage(store, image.digest ?? image.tag ?? 'latest', { configs: true });
  if (!read) return undefined;
  const platforms = read.manifests.map((m) => ({
    platform: formatPlatform(m.descriptor.platform!),
    digest: m.descriptor.digest,
    manifest: m.manifest,
    manifestMediaType: m.blob.mediaType,
    config: m.config!,
  }));
  return { top: read.top, ...(read.index ? { index: read.index } : {}), platforms };
}

/** The base a platform image records, read by its digest: layers, config, where to read them. */
async function recordedBase(
  pool: RegistryPool,
  image: PlatformImageRead,
): Promise<{ name: string; ref: Reference; base: PlatformBase }> {
  const name = image.manifest.annotations?.[Annotation.baseName];
  const digest = image.manifest.annotations?.[Annotation.baseDigest] as Digest | undefined;
  if (!name || !digest)
    throw new RebaseRefusal(
      `${image.platform}: the image records no base (${Annotation.baseName}/${Annotation.baseDigest} on its manifest); rebuild it`,
    );
  const ref = parseReference(name, { defaultTag: 'latest' });
  const store = registryStore(pool.client(ref.registry), ref.repository);
  const top = await readTop(store, digest);
  if (!top)
    throw new RebaseRefusal(
      `${image.platform}: the recorded base ${name}@${digest} is no longer in its registry, so its layers cannot be told apart; rebuild it`,
    );
  if (top.top.digest !== digest)
    throw new RebaseRefusal(
      `${image.platform}: the registry answered ${top.top.digest} for the recorded base digest ${digest}; rebuild it`,
    );
  const { blob, manifest, config } = await readManifest(store, top, listed(top)[0]!, {
    config: true,
  });
  return {
    name,
    ref,
    base: {
      platform: parsePlatform(image.platform),
      manifestMediaType: blob.mediaType,
      manifestDigest: digest,
      config: config!,
      layers: manifest.layers,
    },
  };
}

export interface PlatformPlan {
  platform: string;
  from: string;
  to: string;
  /** The digest the new base's reference resolved to (its index), for the index annotation. */
  baseTop: Digest;
  push?: ManifestToPush;
  oldDigest: Digest;
  /** The new base of this platform, by digest. */
  base: { name: string; digest: Digest };
  /** The image's time, which a rebase keeps. */
  created: string;
  /** What the old platform image had attached (read for a moved platform only). */
  attached?: Attachments;
}

/** What a rebase is asked: the image, and the base to move to ('' for its recorded base's current release). */
export interface RebaseRequest {
  image: Reference;
  base: string;
  /** The input names the image and the base came from: a bad one is named. */
  inputs: { image: string; base: string };
}

/**
 * Reads the image and, per platform, the base it records and that base's current release; plans
 * the rebased manifest of each platform whose base moved, and reads what was attached to its old
 * image. Writes nothing.
 */
export async function planRebase(pool: RegistryPool, inputs: RebaseRequest, timeline: Timeline) {
  const client = pool.client(inputs.image.registry);
  const read = await timeline.phase('read', async (attrs) => {
    const r = await readRebased(client, inputs.image);
    if (!r)
      throw new ValidationError(
        inputs.inputs.image,
        formatReference(inputs.image),
        'an image that exists',
        'the registry has no such image',
      );
    attrs.platforms = r.platforms.map((p) => p.platform);
    return r;
  });
  const plans = await timeline.phase('bases', async () => {
    const recorded = [];
    for (const p of read.platforms) recorded.push({ image: p, ...(await recordedBase(pool, p)) });
    // one resolution per new base name, for the platforms that use it
    const byName = new Map<string, typeof recorded>();
    for (const r of recorded) {
      const name = inputs.base || r.name;
      byName.set(name, [...(byName.get(name) ?? []), r]);
    }
    const out: PlatformPlan[] = [];
    for (const [name, uses] of byName) {
      let next;
      try {
        next = await resolveBase(
          inputs.inputs.base,
          name,
          uses.map((u) => parsePlatform(u.image.platform)),
          (r) => pool.client(r),
        );
      } catch (err) {
        // the recorded base gone or lacking a platform is a refusal, not a bad input
        if (err instanceof ValidationError && !inputs.base)
          throw new RebaseRefusal(`the base ${name}: ${err.detail ?? err.message}; rebuild it`);
        throw err;
      }
      const nextRef = next.reference!;
      const baseClient = next.client!;
      for (const u of uses) {
        const now = next.perPlatform.get(u.image.platform)!;
        const newDigest = now.manifestDigest!;
        const from = `${u.name}@${u.base.manifestDigest}`;
        const to = `${formatReference(nextRef)}@${newDigest}`;
        const baseTop = next.digest!;
        const common = {
          platform: u.image.platform,
          from,
          to,
          baseTop,
          oldDigest: u.image.digest,
          base: { name: formatReference(nextRef), digest: newDigest },
          created: u.image.config.created ?? '',
        };
        if (newDigest === u.base.manifestDigest && formatReference(nextRef) === u.name) {
          out.push(common);
          continue;
        }
        const rebased = rebaseImage(
          u.image,
          u.base,
          { ...now, manifestDigest: newDigest },
          formatReference(nextRef),
        );
        const blobs: BlobToPush[] = [
          ...now.layers.map((d) => ({
            descriptor: d,
            source: baseClient.openBlob(nextRef.repository, d.digest),
            mountFrom: [nextRef.repository],
            mountRegistry: nextRef.registry,
          })),
          ...rebased.appLayers.map((d) => ({
            descriptor: d,
            source: client.openBlob(inputs.image.repository, d.digest),
            mountFrom: [inputs.image.repository],
            mountRegistry: inputs.image.registry,
          })),
          blobToPush(rebased.config),
        ];
        out.push({ ...common, push: { manifest: rebased.manifest, blobs } });
      }
    }
    return out;
  });
  await timeline.phase('attestations', async (attrs) => {
    const moved = plans.filter((p) => p.push);
    await Promise.all(
      moved.map(async (p) => {
        p.attached = await readAttachments(
          client,
          inputs.image.repository,
          p.oldDigest,
          read.index,
        );
      }),
    );
    attrs.sboms = moved.filter((p) => p.attached?.sbom).length;
  });
  return { read, plans };
}
