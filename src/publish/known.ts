import type { LayerIdentity } from '../build/go/builder.js';
import type { Blob } from '../oci/manifest.js';
import { Annotation } from '../oci/mediatypes.js';
import type { Reference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/registry/client.js';
import { isNotFound } from '../oci/registry/errors.js';
import { readPublished, type PlatformManifest } from '../rebuild/read.js';

/** The layers an image already in the registry has: their diff_ids, and when it was made. */
export interface KnownLayers {
  /** The images' creation times, in seconds: the time in the tar headers of their own layers. */
  times: Set<number>;
  diffIds: Set<string>;
}

export const NO_KNOWN_LAYERS: KnownLayers = { times: new Set(), diffIds: new Set() };

/** What the platform images of a published image (read with their configs) say of their layers. */
export function knownLayers(platforms: readonly PlatformManifest[]): KnownLayers {
  const times = new Set<number>();
  const diffIds = new Set<string>();
  for (const p of platforms) {
    const created = Date.parse(p.config?.created ?? '');
    if (!Number.isNaN(created)) times.add(Math.floor(created / 1000));
    for (const d of p.config?.rootfs.diff_ids ?? []) diffIds.add(d);
  }
  return { times, diffIds };
}

/**
 * The layers of the image now under a tag, read with as few requests as the answer needs: its top
 * manifest says when it was made (the created annotation gantry writes); made at another time than
 * this build (`epoch`, in seconds), none of its own layers can be this build's, so its configs
 * are read only when the times agree — an identical rebuild — or the annotation is missing.
 */
export async function readKnownLayers(
  client: RegistryClient,
  image: Reference,
  epoch: Promise<number>,
): Promise<KnownLayers> {
  let top: Blob;
  try {
    top = await client.getManifest(image.repository, image.tag ?? 'latest');
  } catch (err) {
    if (isNotFound(err)) return NO_KNOWN_LAYERS;
    throw err;
  }
  const annotations = (
    JSON.parse(top.bytes.toString('utf8')) as {
      annotations?: Record<string, string>;
    }
  ).annotations;
  const created = Date.parse(annotations?.[Annotation.created] ?? '');
  if (!Number.isNaN(created)) {
    const time = Math.floor(created / 1000);
    if (time !== (await epoch)) return { times: new Set([time]), diffIds: new Set() };
  }
  const published = await readPublished(client, image, { configs: true, top });
  return knownLayers(published?.platforms ?? []);
}

/**
 * Whether a layer about to be made is none of the known ones. A layer stamped with a time none of
 * the known images was made at differs from all of their own layers in its tar headers, so an
 * edit-rebuild (a new commit, a new time) needs no pass over its binary to say so; at a known time
 * (the same commit again) its diff_id decides.
 */
export async function isNewLayer(known: KnownLayers, layer: LayerIdentity): Promise<boolean> {
  if (!known.times.has(layer.mtime)) return true;
  return !known.diffIds.has(await layer.diffId());
}
