import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { toBlob, type Blob, type ImageConfig, type ImageManifest } from '../oci/manifest.js';
import { Annotation, MediaType } from '../oci/mediatypes.js';
import type { PlatformBase } from '../image/base.js';

/** Why an image cannot be rebased: said as it is, the image is left alone. */
export class RebaseRefusal extends Error {
  override readonly name = 'RebaseRefusal';
}

/** One platform's image as the registry has it. */
export interface PlatformImageRead {
  platform: string;
  manifest: ImageManifest;
  manifestMediaType: string;
  config: ImageConfig;
}

function kindOf(mediaType: string): string {
  return mediaType === MediaType.dockerManifest ? 'a Docker v2 image' : 'an OCI image';
}

function sameHistory(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The image with its base's layers swapped: `oldBase`'s layers (which the image must start with)
 * replaced by `newBase`'s for the same platform, the application layers kept byte for byte, the
 * config's diff_ids and history rewritten, and the base annotations naming the new base.
 * Everything else — created, entrypoint, env, user, labels, other annotations — stays, so a rebase
 * onto the same base twice gives the same digest.
 */
export function rebaseImage(
  image: PlatformImageRead,
  oldBase: PlatformBase,
  newBase: PlatformBase & { manifestDigest: Digest },
  newBaseName: string,
): { manifest: Blob; config: Blob; appLayers: Descriptor[] } {
  const where = `${image.platform}:`;
  const oldLayers = oldBase.layers;
  const oldDiffIds = oldBase.config?.rootfs.diff_ids ?? [];
  const startsWithBase =
    oldLayers.length <= image.manifest.layers.length &&
    oldLayers.every((l, i) => image.manifest.layers[i]?.digest === l.digest) &&
    oldDiffIds.length === oldLayers.length &&
    oldDiffIds.every((d, i) => image.config.rootfs.diff_ids[i] === d);
  if (!startsWithBase)
    throw new RebaseRefusal(
      `${where} the image does not start with the layers of its recorded base (${oldLayers.length} layers at ${oldBase.manifestDigest ?? '?'}); rebuild it`,
    );
  const oldHistory = oldBase.config?.history ?? [];
  const history = image.config.history ?? [];
  if (!sameHistory(history.slice(0, oldHistory.length), oldHistory))
    throw new RebaseRefusal(
      `${where} the image's history does not start with its recorded base's; rebuild it`,
    );
  if (newBase.manifestMediaType !== image.manifestMediaType)
    throw new RebaseRefusal(
      `${where} the new base is ${kindOf(newBase.manifestMediaType)}, the image ${kindOf(image.manifestMediaType)}; rebuild it`,
    );
  const newConfig = newBase.config;
  if (
    !newConfig ||
    newConfig.os !== image.config.os ||
    newConfig.architecture !== image.config.architecture ||
    (newConfig.variant ?? '') !== (image.config.variant ?? '')
  )
    throw new RebaseRefusal(
      `${where} the new base's config is for ${newConfig ? `${newConfig.os}/${newConfig.architecture}` : 'nothing'}; rebuild it`,
    );

  const appLayers = image.manifest.layers.slice(oldLayers.length);
  const config: ImageConfig = {
    ...image.config,
    rootfs: {
      type: 'layers',
      diff_ids: [
        ...newConfig.rootfs.diff_ids,
        ...image.config.rootfs.diff_ids.slice(oldDiffIds.length),
      ],
    },
    history: [...(newConfig.history ?? []), ...history.slice(oldHistory.length)],
  };
  if (!config.history?.length) delete config.history;
  const configBlob = toBlob(image.manifest.config.mediaType, config);
  const manifest: ImageManifest = {
    ...image.manifest,
    config: { ...image.manifest.config, digest: configBlob.digest, size: configBlob.bytes.length },
    layers: [...newBase.layers, ...appLayers],
  };
  if (image.manifest.annotations)
    manifest.annotations = {
      ...image.manifest.annotations,
      [Annotation.baseName]: newBaseName,
      [Annotation.baseDigest]: newBase.manifestDigest,
    };
  return { manifest: toBlob(image.manifestMediaType, manifest), config: configBlob, appLayers };
}
