import type { Digest } from '../oci/digest.js';
import { isAttestation } from '../oci/index.js';
import type { Blob, ImageConfig, ImageIndex, ImageManifest } from '../oci/manifest.js';
import { isIndexMediaType } from '../oci/mediatypes.js';
import { formatPlatform } from '../oci/platform.js';
import type { Reference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/registry/client.js';
import { isNotFound } from '../oci/registry/errors.js';

/** One platform's image of a published image: its manifest, and its config when asked for. */
export interface PlatformManifest {
  platform: string;
  digest: Digest;
  manifest: ImageManifest;
  manifestMediaType: string;
  config?: ImageConfig;
}

/**
 * A published image as rebuild-check and rebase read it: the top manifest, the index (if it is
 * one) and each platform image it lists (attestation manifests left out); a bare manifest is one
 * platform, named by its config. Undefined when the registry has no such image.
 */
export async function readPublished(
  client: RegistryClient,
  image: Reference,
  opts: { configs: boolean },
): Promise<{ top: Blob; index?: ImageIndex; platforms: PlatformManifest[] } | undefined> {
  let top;
  try {
    top = await client.getManifest(image.repository, image.digest ?? image.tag ?? 'latest');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const index = isIndexMediaType(top.mediaType)
    ? (JSON.parse(top.bytes.toString('utf8')) as ImageIndex)
    : undefined;
  const children = index
    ? index.manifests.filter((m) => m.platform && m.platform.os !== 'unknown' && !isAttestation(m))
    : [{ digest: top.digest, platform: undefined }];
  const platforms: PlatformManifest[] = [];
  for (const c of children) {
    const blob =
      c.digest === top.digest ? top : await client.getManifest(image.repository, c.digest);
    const manifest = JSON.parse(blob.bytes.toString('utf8')) as ImageManifest;
    const config =
      opts.configs || !c.platform
        ? (JSON.parse(
            (await client.getBlob(image.repository, manifest.config.digest)).toString('utf8'),
          ) as ImageConfig)
        : undefined;
    const platform = formatPlatform(
      c.platform ?? {
        os: config!.os,
        architecture: config!.architecture,
        ...(config!.variant ? { variant: config!.variant } : {}),
      },
    );
    platforms.push({
      platform,
      digest: c.digest,
      manifest,
      manifestMediaType: blob.mediaType,
      ...(config ? { config } : {}),
    });
  }
  return { top, ...(index ? { index } : {}), platforms };
}
