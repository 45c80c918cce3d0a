import type { LayerIdentity } from '../build/go/builder.js';
import type { PlatformManifest } from '../rebuild/read.js';

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
 * Whether a layer about to be made is none of the known ones. A layer stamped with a time none of
 * the known images was made at differs from all of their own layers in its tar headers, so an
 * edit-rebuild (a new commit, a new time) needs no pass over its binary to say so; at a known time
 * (the same commit again) its diff_id decides.
 */
export async function isNewLayer(known: KnownLayers, layer: LayerIdentity): Promise<boolean> {
  if (!known.times.has(layer.mtime)) return true;
  return !known.diffIds.has(await layer.diffId());
}
