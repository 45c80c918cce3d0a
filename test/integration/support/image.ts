import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../../src/oci/descriptor.js';
import { sha256Digest } from '../../../src/oci/digest.js';
import { descriptorOf, type Blob, toBlob, type ImageConfig } from '../../../src/oci/manifest.js';
import { MediaType } from '../../../src/oci/mediatypes.js';
import type { Platform } from '../../../src/oci/platform.js';
import { blobToPush, type ManifestToPush } from '../../../src/oci/blob.js';

export interface TestImage extends ManifestToPush {
  platform: Platform;
  config: Blob;
  descriptor: Descriptor;
}

/** A file of a test image's layer; an executable one with its mode. */
export type LayerFile = Buffer | string | { bytes: Buffer; mode: number };

/** A small real image: one gzipped tar layer made by GNU tar (or several), config and OCI manifest. */
export function makeImage(
  dir: string,
  platform: Platform,
  files: Record<string, LayerFile>[],
): TestImage {
  const layers: { descriptor: Descriptor; path: string; diffId: string }[] = [];
  files.forEach((layerFiles, i) => {
    const root = join(dir, `rootfs-${i}`);
    mkdirSync(root, { recursive: true });
    for (const [name, file] of Object.entries(layerFiles)) {
      if (typeof file === 'string' || Buffer.isBuffer(file)) writeFileSync(join(root, name), file);
      else writeFileSync(join(root, name), file.bytes, { mode: file.mode });
    }
    const tar = join(dir, `layer-${i}.tar`);
    execFileSync('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-cf',
      tar,
      '-C',
      root,
      '.',
    ]);
    execFileSync('sh', ['-c', `gzip -n -1 -c "${tar}" > "${tar}.gz"`]);
    const gz = `${tar}.gz`;
    layers.push({
      path: gz,
      diffId: sha256Digest(readFileSync(tar)),
      descriptor: {
        mediaType: MediaType.ociLayerTarGzip,
        digest: sha256Digest(readFileSync(gz)),
        size: statSync(gz).size,
      },
    });
  });
  const imageConfig: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Cmd: ['/hello'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId as `sha256:${string}`) },
  };
  const config = toBlob(MediaType.ociConfig, imageConfig);
  const manifest = toBlob(MediaType.ociManifest, {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers: layers.map((l) => l.descriptor),
  });
  return {
    platform,
    config,
    manifest,
    descriptor: descriptorOf(manifest, { platform }),
    blobs: [
      blobToPush(config),
      ...layers.map((l) => ({
        descriptor: l.descriptor,
        source: (start?: number, end?: number) =>
          createReadStream(l.path, {
            ...(start !== undefined ? { start } : {}),
            ...(end !== undefined ? { end } : {}),
          }),
      })),
    ],
  };
}
