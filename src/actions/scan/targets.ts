import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SBOM_MEDIA_TYPE } from '../../attest/sbom.js';
import type { Descriptor } from '../../oci/descriptor.js';
import type { Digest } from '../../oci/digest.js';
import { isIndexMediaType, MediaType } from '../../oci/mediatypes.js';
import type { ImageIndex, ImageManifest } from '../../oci/manifest.js';
import { formatPlatform } from '../../oci/platform.js';
import { formatReference } from '../../oci/reference.js';
import { RegistryError } from '../../oci/registry/errors.js';
import { RegistryPool } from '../../publish/clients.js';
import { referenceInput } from '../../publish/inputs.js';
import { ValidationError } from '../../runtime/errors.js';
import { IMAGE_ACCEPTED as ACCEPTED, INPUT, type ScanInputs } from './inputs.js';

/**
 * One trivy run: `image` of a registry reference by digest or an OCI layout (one platform's view),
 * or `sbom` of the SBOM attached to that platform's manifest, when asked and there is one.
 */
export interface ImageTarget {
  label: string;
  command: 'image' | 'sbom';
  args: string[];
  /** With `sbom`: the SBOM artifact's digest, for the summary. */
  sbom?: string;
}

/** How a manifest and a blob are read: from a registry, or from a layout (both are blobs there). */
interface Reader {
  manifest(digest: string): Promise<Buffer>;
  blob(digest: string): Promise<Buffer>;
}

/** The artifact types of an SBOM that trivy reads. */
const SBOM_TYPES = Object.values(SBOM_MEDIA_TYPE);

/** An SBOM document attached to `subject`, written to `file`; false when there is none. */
async function attachedSbom(
  referrers: Descriptor[],
  read: Reader,
  file: string,
): Promise<string | undefined> {
  const sbom = referrers.find((d) => d.artifactType && SBOM_TYPES.includes(d.artifactType));
  if (!sbom) return undefined;
  const manifest = JSON.parse((await read.manifest(sbom.digest)).toString('utf8')) as ImageManifest;
  const layer = manifest.layers[0];
  if (!layer) return undefined;
  await writeFile(file, await read.blob(layer.digest));
  return sbom.digest;
}

/** Each image target of a platform replaced by its attached SBOM where there is one. */
async function preferSboms(
  targets: (ImageTarget & { subject: string })[],
  referrersOf: (subject: string) => Promise<Descriptor[]>,
  read: Reader,
  dir: string,
): Promise<ImageTarget[]> {
  const out: ImageTarget[] = [];
  for (const t of targets) {
    const file = join(dir, `${t.subject.replace(':', '-')}.sbom.json`);
    const digest = await attachedSbom(await referrersOf(t.subject), read, file);
    out.push(
      digest
        ? { label: t.label, command: 'sbom', args: [file], sbom: digest }
        : { label: t.label, command: t.command, args: t.args },
    );
  }
  return out;
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
    const readBlob = (d: string) => readFile(join(dir, 'blobs', ...d.split(':')));
    // an artifact listed in index.json names its subject in its manifest
    const layoutReferrers = async (subject: string) => {
      const out: Descriptor[] = [];
      for (const d of index.manifests.filter((m) => m.artifactType)) {
        const m = JSON.parse((await readBlob(d.digest)).toString('utf8')) as ImageManifest;
        if (m.subject?.digest === subject) out.push(d);
      }
      return out;
    };
    const maybeSboms = (ts: (ImageTarget & { subject: string })[]) =>
      inputs.sbom
        ? preferSboms(ts, layoutReferrers, { manifest: readBlob, blob: readBlob }, viewsDir)
        : ts.map(({ subject: _, ...t }) => t);
    if (!isIndexMediaType(top.mediaType))
      return maybeSboms([
        { label: value, command: 'image', args: ['--input', dir], subject: top.digest },
      ]);
    const blob = await readFile(join(dir, 'blobs', ...top.digest.split(':')), 'utf8');
    const images = (JSON.parse(blob) as ImageIndex).manifests.filter(
      (m) => m.platform && m.platform.os !== 'unknown',
    );
    if (images.length === 1)
      return maybeSboms([
        {
          label: value,
          command: 'image',
          args: ['--input', dir],
          subject: images[0]!.digest,
        },
      ]);
    if (images.length === 0) return [{ label: value, command: 'image', args: ['--input', dir] }];
    // trivy's --input ignores --platform and takes the first image of the layout: hand it, per
    // platform, a view of the layout (the same blobs) whose index.json lists only that image
    return maybeSboms(
      await Promise.all(
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
          return {
            label: `${value} ${platform}`,
            command: 'image' as const,
            args: ['--input', view],
            subject: m.digest,
          };
        }),
      ),
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
    const pinned = (digest: Digest) =>
      formatReference({ registry: ref.registry, repository: ref.repository, digest });
    const targets: (ImageTarget & { subject: string })[] = isIndexMediaType(top.mediaType)
      ? (JSON.parse(top.bytes.toString('utf8')) as ImageIndex).manifests
          .filter((m) => m.platform && m.platform.os !== 'unknown')
          .map((m) => ({
            label: `${value} ${formatPlatform(m.platform!)}`,
            command: 'image' as const,
            args: [pinned(m.digest)],
            subject: m.digest,
          }))
      : [{ label: value, command: 'image', args: [pinned(top.digest)], subject: top.digest }];
    if (!inputs.sbom) return targets.map(({ subject: _, ...t }) => t);
    return await preferSboms(
      targets,
      (subject) => client.referrers(ref.repository, subject as Digest),
      {
        manifest: async (d) => (await client.getManifest(ref.repository, d)).bytes,
        blob: (d) => client.getBlob(ref.repository, d as Digest),
      },
      viewsDir,
    );
  } finally {
    pool.close();
  }
}
