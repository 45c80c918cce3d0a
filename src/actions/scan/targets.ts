import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SBOM_MEDIA_TYPE } from '../../attest/sbom.js';
import { PREDICATE_TYPE_ANNOTATION, SBOM_PREDICATE } from '../../attest/in-index.js';
import { sha256Digest, type Digest } from '../../oci/digest.js';
import { isIndexMediaType, MediaType } from '../../oci/mediatypes.js';
import type { ImageIndex, ImageManifest } from '../../oci/manifest.js';
import { formatPlatform } from '../../oci/platform.js';
import { formatReference } from '../../oci/reference.js';
import { platformImages } from '../../oci/index.js';
import { readTop, registryStore } from '../../oci/read.js';
import { isNotFound } from '../../oci/registry/errors.js';
import { referenceInput, registryPool } from '../../publish/inputs.js';
import { ValidationError } from '../../runtime/errors.js';
import { IMAGE_ACCEPTED as ACCEPTED, INPUT, type ScanInputs } from './inputs.js';

/**
 * One trivy run: `image` of a registry reference by digest or an OCI layout (one platform's view),
 * or `sbom` of that platform's SBOM, when asked and build-push reported one for it.
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

/** The artifact types of an SBOM that trivy reads, and the predicate types of one in a statement. */
const SBOM_TYPES = Object.values(SBOM_MEDIA_TYPE);
const SBOM_PREDICATES = Object.values(SBOM_PREDICATE);

/**
 * Each image target of a platform replaced by its SBOM where build-push reported one: an SBOM
 * attached to an image is anyone's claim (whoever may push there), so only the artifacts in
 * build-push's attestations output are read — each by digest, and only for the image it names as
 * its subject. Any other target is scanned as an image.
 */
async function preferSboms(
  targets: (ImageTarget & { subject: string })[],
  reported: readonly string[],
  read: Reader,
  dir: string,
): Promise<ImageTarget[]> {
  const sbomOf = new Map<string, { digest: string; layer: string; predicate?: boolean }>();
  for (const digest of reported) {
    // one that is not where the image is (another repository's, another layout's) is not its
    const bytes = await read.manifest(digest).catch((err: unknown) => {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    });
    if (!bytes) continue;
    const m = JSON.parse(bytes.toString('utf8')) as ImageManifest;
    const layer = m.layers[0];
    if (m.subject && layer && m.artifactType && SBOM_TYPES.includes(m.artifactType)) {
      sbomOf.set(m.subject.digest, { digest, layer: layer.digest });
      continue;
    }
    // the index form: an attestation manifest whose SBOM layer is an in-toto statement naming
    // the image it describes
    const statement = m.layers.find((l) =>
      SBOM_PREDICATES.includes(l.annotations?.[PREDICATE_TYPE_ANNOTATION] ?? ''),
    );
    if (!statement) continue;
    const parsed = JSON.parse((await read.blob(statement.digest)).toString('utf8')) as {
      subject?: { digest?: { sha256?: string } }[];
    };
    const subject = parsed.subject?.[0]?.digest?.sha256;
    if (subject)
      sbomOf.set(`sha256:${subject}`, { digest, layer: statement.digest, predicate: true });
  }
  const out: ImageTarget[] = [];
  for (const { subject, ...t } of targets) {
    const sbom = sbomOf.get(subject);
    if (!sbom) {
      out.push(t);
      continue;
    }
    const file = join(dir, `${subject.replace(':', '-')}.sbom.json`);
    const bytes = await read.blob(sbom.layer);
    // trivy reads the SBOM document: a statement's predicate
    await writeFile(
      file,
      sbom.predicate
        ? JSON.stringify((JSON.parse(bytes.toString('utf8')) as { predicate: unknown }).predicate)
        : bytes,
    );
    out.push({ label: t.label, command: 'sbom', args: [file], sbom: sbom.digest });
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
    const readBlob = async (d: string) => {
      const bytes = await readFile(join(dir, 'blobs', ...d.split(':')));
      if (sha256Digest(bytes) !== d)
        throw new ValidationError(
          INPUT.image,
          value,
          ACCEPTED,
          `blob ${d} does not match its digest`,
        );
      return bytes;
    };
    const maybeSboms = (ts: (ImageTarget & { subject: string })[]) =>
      inputs.sbom
        ? preferSboms(ts, inputs.reportedSboms, { manifest: readBlob, blob: readBlob }, viewsDir)
        : ts.map(({ subject: _, ...t }) => t);
    if (!isIndexMediaType(top.mediaType))
      return maybeSboms([
        { label: value, command: 'image', args: ['--input', dir], subject: top.digest },
      ]);
    const blob = await readFile(join(dir, 'blobs', ...top.digest.split(':')), 'utf8');
    const images = platformImages((JSON.parse(blob) as ImageIndex).manifests);
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
  const pool = registryPool(inputs, ref.registry);
  try {
    const client = pool.client(ref.registry);
    const image = await readTop(
      registryStore(client, ref.repository),
      ref.digest ?? ref.tag ?? 'latest',
    );
    if (!image)
      throw new ValidationError(INPUT.image, value, ACCEPTED, 'the registry has no such image');
    const pinned = (digest: Digest) =>
      formatReference({ registry: ref.registry, repository: ref.repository, digest });
    const targets: (ImageTarget & { subject: string })[] = image.index
      ? platformImages(image.index.manifests).map((m) => ({
          label: `${value} ${formatPlatform(m.platform!)}`,
          command: 'image' as const,
          args: [pinned(m.digest)],
          subject: m.digest,
        }))
      : [
          {
            label: value,
            command: 'image',
            args: [pinned(image.top.digest)],
            subject: image.top.digest,
          },
        ];
    if (!inputs.sbom) return targets.map(({ subject: _, ...t }) => t);
    return await preferSboms(
      targets,
      inputs.reportedSboms,
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
