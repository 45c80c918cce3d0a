import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { toBlob, type Blob, type ImageConfig, type ImageManifest } from '../oci/manifest.js';
import { MediaType } from '../oci/mediatypes.js';
import type { Platform } from '../oci/platform.js';
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
}

/** Docker v2 base → Docker v2 image (as ko does), else OCI. */
export function mediaTypesFor(base: PlatformBase): {
  manifest: string;
  config: string;
  layer: string;
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
        layer: MediaType.ociLayerTarGzip,
      };
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
      ...spec.layers.map((l) => ({ ...l.descriptor, mediaType: types.layer })),
    ],
  };
  if (Object.keys(spec.annotations).length && types.manifest === MediaType.ociManifest)
    manifest.annotations = spec.annotations;
  return { config: configBlob, manifest: toBlob(types.manifest, manifest) };
}
