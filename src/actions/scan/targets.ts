import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIndexMediaType, MediaType } from '../../oci/mediatypes.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { formatPlatform } from '../../oci/platform.js';
import { formatReference } from '../../oci/reference.js';
import { RegistryError } from '../../oci/registry/errors.js';
import { RegistryPool } from '../../publish/clients.js';
import { referenceInput } from '../../publish/inputs.js';
import { ValidationError } from '../../runtime/errors.js';
import { IMAGE_ACCEPTED as ACCEPTED, INPUT, type ScanInputs } from './inputs.js';

/** One `trivy image` run: a registry reference by digest, or an OCI layout (with a platform). */
export interface ImageTarget {
  label: string;
  args: string[];
}

/**
 * What to hand trivy for `image`: an index becomes one run per platform (attestation manifests,
 * platform unknown/unknown, are skipped); a missing image is a clear error before any scan.
 */
export async function imageTargets(inputs: ScanInputs, viewsDir: string): Promise<ImageTarget[]> {
  const value = inputs.image;
  if (value.startsWith('oci:')) {
    const dir = inputs.imageLayout;
    let index: ImageIndex;
    try {
      index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
    } catch {
      throw new ValidationError(INPUT.image, value, ACCEPTED, 'no OCI layout (index.json) there');
    }
    const top = index.manifests[0];
    if (!top) throw new ValidationError(INPUT.image, value, ACCEPTED, 'the OCI layout is empty');
    if (!isIndexMediaType(top.mediaType)) return [{ label: value, args: ['--input', dir] }];
    const blob = await readFile(join(dir, 'blobs', ...top.digest.split(':')), 'utf8');
    const images = (JSON.parse(blob) as ImageIndex).manifests.filter(
      (m) => m.platform && m.platform.os !== 'unknown',
    );
    if (images.length <= 1) return [{ label: value, args: ['--input', dir] }];
    // trivy's --input ignores --platform and takes the first image of the layout: hand it, per
    // platform, a view of the layout (the same blobs) whose index.json lists only that image
    return Promise.all(
      images.map(async (m) => {
        const platform = formatPlatform(m.platform!);
        const view = join(viewsDir, platform.replace(/\//g, '-'));
        await mkdir(view, { recursive: true });
        await symlink(join(dir, 'blobs'), join(view, 'blobs'));
        await copyFile(join(dir, 'oci-layout'), join(view, 'oci-layout'));
        const only: ImageIndex = {
          schemaVersion: 2,
          mediaType: MediaType.ociIndex,
          manifests: [m],
        };
        await writeFile(join(view, 'index.json'), JSON.stringify(only));
        return { label: `${value} ${platform}`, args: ['--input', view] };
      }),
    );
  }
  const ref = referenceInput(INPUT.image, value, ACCEPTED);
  const pool = new RegistryPool({
    ...(inputs.credentials ? { credentials: inputs.credentials, loginRegistry: ref.registry } : {}),
  });
  try {
    const client = pool.client(ref.registry);
    let top;
    try {
      top = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
    } catch (err) {
      if (err instanceof RegistryError && err.status === 404)
        throw new ValidationError(INPUT.image, value, ACCEPTED, 'the registry has no such image');
      throw err;
    }
    if (!isIndexMediaType(top.mediaType)) {
      const pinned = formatReference({ ...ref, digest: top.digest });
      return [{ label: value, args: [pinned] }];
    }
    const index = JSON.parse(top.bytes.toString('utf8')) as ImageIndex;
    return index.manifests
      .filter((m) => m.platform && m.platform.os !== 'unknown')
      .map((m) => ({
        label: `${value} ${formatPlatform(m.platform!)}`,
        args: [
          formatReference({ registry: ref.registry, repository: ref.repository, digest: m.digest }),
        ],
      }));
  } finally {
    pool.close();
  }
}
