import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { toBlob, type Blob, type ImageConfig, type ImageManifest } from '../oci/manifest.js';
import { MediaType } from '../oci/mediatypes.js';
import type { Platform } from '../oci/platform.js';
import { ValidationError } from '../runtime/errors.js';
import type { PlatformBase } from './base.js';

export interface ImageSpec {
  platform: Platform;
  base: PlatformBase;
  /** The layers this build adds, on top of the base's. */
  layers: { descriptor: Descriptor; diffId: Digest; createdBy: string }[];
  created: string;
  entrypoint: string[];
  user: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  workingDir?: string;
  /** `<port>/<proto>` keys of ExposedPorts; none given: the base's. */
  exposedPorts?: string[];
  /** The image's Cmd (arguments to the entrypoint); none given: no Cmd. */
  cmd?: string[];
}

/** Docker v2 base → Docker v2 image (as ko does; its layers gzip), else OCI. */
export function mediaTypesFor(base: PlatformBase): {
  manifest: string;
  config: string;
  /** Docker's gzip layer type, or undefined: each OCI layer keeps its own (tar+gzip, tar+zstd). */
  layer: string | undefined;
} {
  return base.manifestMediaType === MediaType.dockerManifest
    ? {
        manifest: MediaType.dockerManifest,
        config: MediaType.dockerConfig,
        layer: MediaType.dockerLayerTarGzip,
      }
    : {
        manifest: MediaType.ociManifest,
        config: MediaType.ociConfig,
        layer: undefined,
      };
}

/**
 * zstd layers need OCI media types, and a Docker v2 base makes a Docker v2 image: refused before
 * anything is pushed, naming the input that asked for zstd.
 */
export function refuseDockerBase(
  input: string,
  given: string,
  baseName: string,
  base: { perPlatform: ReadonlyMap<string, Pick<PlatformBase, 'manifestMediaType'>> },
): void {
  for (const [platform, b] of base.perPlatform)
    if (b.manifestMediaType === MediaType.dockerManifest)
      throw new ValidationError(
        input,
        given,
        'gzip with a Docker v2 base (or an OCI base for zstd)',
        `${baseName} is a Docker v2 image for ${platform}, which has no zstd layer type`,
      );
}

function mergeEnv(base: readonly string[], own: Record<string, string>): string[] {
  const out = new Map<string, string>();
  for (const kv of base) out.set(kv.split('=')[0] ?? kv, kv);
  for (const [k, v] of Object.entries(own)) out.set(k, `${k}=${v}`);
  return [...out.values()];
}

/** Config and manifest of one platform's image: the base's, with our layers and settings on top. */
export function assembleImage(spec: ImageSpec): { config: Blob; manifest: Blob } {
  const types = mediaTypesFor(spec.base);
  const baseConfig = spec.base.config;
  const config: ImageConfig = {
    created: spec.created,
    architecture: spec.platform.architecture,
    os: spec.platform.os,
    ...(spec.platform.variant ? { variant: spec.platform.variant } : {}),
    config: {
      User: spec.user,
      Env: mergeEnv(
        baseConfig?.config?.Env ?? [
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        ],
        spec.env,
      ),
      Entrypoint: spec.entrypoint,
      ...(spec.cmd?.length ? { Cmd: spec.cmd } : {}),
      ...(spec.exposedPorts?.length
        ? {
            ExposedPorts: Object.fromEntries([
              ...Object.entries(baseConfig?.config?.ExposedPorts ?? {}),
              ...spec.exposedPorts.map((p) => [p, {}]),
            ]),
          }
        : {}),
      WorkingDir: spec.workingDir ?? baseConfig?.config?.WorkingDir ?? '/',
      Labels: { ...(baseConfig?.config?.Labels ?? {}), ...spec.labels },
    },
    rootfs: {
      type: 'layers',
      diff_ids: [...(baseConfig?.rootfs.diff_ids ?? []), ...spec.layers.map((l) => l.diffId)],
    },
    history: [
      ...(baseConfig?.history ?? []),
      ...spec.layers.map((l) => ({
        created: spec.created,
        created_by: l.createdBy,
        comment: 'gantry',
      })),
    ],
  };
  const configBlob = toBlob(types.config, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, digest: configBlob.digest, size: configBlob.bytes.length },
    layers: [
      ...spec.base.layers,
      ...spec.layers.map((l) => ({
        ...l.descriptor,
        mediaType: types.layer ?? l.descriptor.mediaType,
      })),
    ],
  };
  if (Object.keys(spec.annotations).length && types.manifest === MediaType.ociManifest)
    manifest.annotations = spec.annotations;
  return { config: configBlob, manifest: toBlob(types.manifest, manifest) };
}
