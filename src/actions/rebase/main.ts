import { buildRun } from '../../attest/provenance.js';
import { rebasedAttestations, type RebasedImage } from '../../attest/rebased.js';
import { resolveBase, type PlatformBase } from '../../build/base.js';
import { gitContextFromEnv } from '../../github/context.js';
import type { Digest } from '../../oci/digest.js';
import { isAttestation } from '../../oci/index.js';
import {
  descriptorOf,
  toBlob,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from '../../oci/manifest.js';
import { Annotation, ATTESTATION } from '../../oci/mediatypes.js';
import { parsePlatform } from '../../oci/platform.js';
import {
  formatReference,
  parseReference,
  referenceName,
  type Reference,
} from '../../oci/reference.js';
import type { RegistryClient } from '../../oci/registry/client.js';
import { isNotFound } from '../../oci/registry/errors.js';
import { RegistryPool } from '../../publish/clients.js';
import {
  blobToPush,
  publish,
  type BlobToPush,
  type ManifestToPush,
} from '../../publish/publish.js';
import { RegistryTarget } from '../../publish/target.js';
import { readAttachments, type Attachments } from '../../rebuild/attached.js';
import { readPublished } from '../../rebuild/read.js';
import { RebaseRefusal, rebaseImage, type PlatformImageRead } from '../../rebuild/rebase.js';
import * as core from '../../runtime/core.js';
import { UserError, ValidationError } from '../../runtime/errors.js';
import { Timeline } from '../../runtime/timeline.js';
import { INPUT, OUTPUT, readInputs, type RebaseInputs } from './inputs.js';

/** The image as it is: each platform's manifest and config; a missing image is a bad input. */
async function readImage(client: RegistryClient, image: Reference) {
  const read = await readPublished(client, image, { configs: true });
  if (!read)
    throw new ValidationError(
      INPUT.image,
      formatReference(image),
      'an image that exists',
      'the registry has no such image',
    );
  return {
    ...read,
    platforms: read.platforms.map((p) => ({ ...p, config: p.config! })),
  };
}

/** The base a platform image records, read by its digest: layers, config, where to read them. */
async function recordedBase(
  pool: RegistryPool,
  image: PlatformImageRead,
): Promise<{ name: string; ref: Reference; base: PlatformBase }> {
  const name = image.manifest.annotations?.[Annotation.baseName];
  const digest = image.manifest.annotations?.[Annotation.baseDigest] as Digest | undefined;
  if (!name || !digest)
    throw new RebaseRefusal(
      `${image.platform}: the image records no base (${Annotation.baseName}/${Annotation.baseDigest} on its manifest); rebuild it`,
    );
  const ref = parseReference(name, { defaultTag: 'latest' });
  const client = pool.client(ref.registry);
  let blob;
  try {
    blob = await client.getManifest(ref.repository, digest);
  } catch (err) {
    if (isNotFound(err))
      throw new RebaseRefusal(
        `${image.platform}: the recorded base ${name}@${digest} is no longer in its registry, so its layers cannot be told apart; rebuild it`,
      );
    throw err;
  }
  if (blob.digest !== digest)
    throw new RebaseRefusal(
      `${image.platform}: the registry answered ${blob.digest} for the recorded base digest ${digest}; rebuild it`,
    );
  const manifest = JSON.parse(blob.bytes.toString('utf8')) as ImageManifest;
  const config = JSON.parse(
    (await client.getBlob(ref.repository, manifest.config.digest)).toString('utf8'),
  ) as ImageConfig;
  return {
    name,
    ref,
    base: {
      platform: parsePlatform(image.platform),
      manifestMediaType: blob.mediaType,
      manifestDigest: digest,
      config,
      layers: manifest.layers,
    },
  };
}

interface PlatformPlan {
  platform: string;
  from: string;
  to: string;
  /** The digest the new base's reference resolved to (its index), for the index annotation. */
  baseTop: Digest;
  push?: ManifestToPush;
  oldDigest: Digest;
  /** The new base of this platform, by digest. */
  base: { name: string; digest: Digest };
  /** The image's time, which a rebase keeps. */
  created: string;
  /** What the old platform image had attached (read for a moved platform only). */
  attached?: Attachments;
}

async function plan(pool: RegistryPool, inputs: RebaseInputs, timeline: Timeline) {
  const client = pool.client(inputs.image.registry);
  const read = await timeline.phase('read', async (attrs) => {
    const r = await readImage(client, inputs.image);
    attrs.platforms = r.platforms.map((p) => p.platform);
    return r;
  });
  const plans = await timeline.phase('bases', async () => {
    const recorded = [];
    for (const p of read.platforms) recorded.push({ image: p, ...(await recordedBase(pool, p)) });
    // one resolution per new base name, for the platforms that use it
    const byName = new Map<string, typeof recorded>();
    for (const r of recorded) {
      const name = inputs.base || r.name;
      byName.set(name, [...(byName.get(name) ?? []), r]);
    }
    const out: PlatformPlan[] = [];
    for (const [name, uses] of byName) {
      let next;
      try {
        next = await resolveBase(
          INPUT.base,
          name,
          uses.map((u) => parsePlatform(u.image.platform)),
          (r) => pool.client(r),
        );
      } catch (err) {
        // the recorded base gone or lacking a platform is a refusal, not a bad input
        if (err instanceof ValidationError && !inputs.base)
          throw new RebaseRefusal(`the base ${name}: ${err.detail ?? err.message}; rebuild it`);
        throw err;
      }
      const nextRef = next.reference!;
      const baseClient = next.client!;
      for (const u of uses) {
        const now = next.perPlatform.get(u.image.platform)!;
        const newDigest = now.manifestDigest!;
        const from = `${u.name}@${u.base.manifestDigest}`;
        const to = `${formatReference(nextRef)}@${newDigest}`;
        const baseTop = next.digest!;
        const common = {
          platform: u.image.platform,
          from,
          to,
          baseTop,
          oldDigest: u.image.digest,
          base: { name: formatReference(nextRef), digest: newDigest },
          created: u.image.config.created ?? '',
        };
        if (newDigest === u.base.manifestDigest && formatReference(nextRef) === u.name) {
          out.push(common);
          continue;
        }
        const rebased = rebaseImage(
          u.image,
          u.base,
          { ...now, manifestDigest: newDigest },
          formatReference(nextRef),
        );
        const blobs: BlobToPush[] = [
          ...now.layers.map((d) => ({
            descriptor: d,
            source: baseClient.openBlob(nextRef.repository, d.digest),
            mountFrom: [nextRef.repository],
            mountRegistry: nextRef.registry,
          })),
          ...rebased.appLayers.map((d) => ({
            descriptor: d,
            source: client.openBlob(inputs.image.repository, d.digest),
            mountFrom: [inputs.image.repository],
            mountRegistry: inputs.image.registry,
          })),
          blobToPush(rebased.config),
        ];
        out.push({ ...common, push: { manifest: rebased.manifest, blobs } });
      }
    }
    return out;
  });
  await timeline.phase('attestations', async (attrs) => {
    const moved = plans.filter((p) => p.push);
    await Promise.all(
      moved.map(async (p) => {
        p.attached = await readAttachments(client, inputs.image.repository, p.oldDigest);
      }),
    );
    attrs.sboms = moved.filter((p) => p.attached?.sbom).length;
  });
  return { read, plans };
}

/**
 * The rebased images' SBOMs and provenance, as `sbom` and `provenance` say; by default as the
 * old image was: an SBOM in its SBOM's format (its modules carried over), provenance when
 * anything attested it. An SBOM asked for a platform whose old image had none of gantry's (no
 * modules to carry) is refused before anything is written.
 */
function attestRebased(
  inputs: RebaseInputs,
  moved: readonly PlatformPlan[],
  name: string,
  index: ImageIndex | undefined,
) {
  // BuildKit's attestation manifests in the old index, by the image they describe
  const inIndex = new Set(
    (index?.manifests ?? [])
      .filter(isAttestation)
      .map((m) => m.annotations?.[ATTESTATION.referenceDigest]),
  );
  const images: RebasedImage[] = moved.map((p) => ({
    platform: p.platform,
    descriptor: descriptorOf(p.push!.manifest),
    name,
    created: p.created,
    old: { name: referenceName(inputs.image), digest: p.oldDigest },
    base: p.base,
    ...(p.attached?.sbom ? { sbom: p.attached.sbom } : {}),
  }));
  const without = images.filter((i) => !i.sbom).map((i) => i.platform);
  if (inputs.sbom && without.length)
    throw new ValidationError(
      INPUT.sbom,
      inputs.sbom,
      "false, or a format when every platform image had an SBOM of gantry's to carry its modules from",
      `the old image of ${without.join(', ')} had none`,
    );
  const attested = (i: RebasedImage) =>
    Boolean(moved.find((p) => p.oldDigest === i.old.digest)?.attached?.attested) ||
    inIndex.has(i.old.digest);
  return rebasedAttestations(images, {
    sbom: (i) => (inputs.sbom === undefined ? (i.sbom?.format ?? false) : inputs.sbom),
    provenance: (i) => inputs.provenance ?? attested(i),
    run: buildRun(gitContextFromEnv()),
  });
}

/**
 * Rebases a multi-platform image onto its base's current release (or another base) without a
 * rebuild: per platform the base's layers are swapped, the application layers kept; platform
 * manifests, then the index, then the tags. Nothing is written when no base moved.
 */
export async function main(): Promise<void> {
  const inputs = readInputs();
  const timeline = new Timeline('rebase');
  const pool = new RegistryPool({
    ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
    loginRegistry: inputs.image.registry,
    insecureRegistries: inputs.insecureRegistries,
    retryBudgetMs: inputs.retryBudgetMs,
    onRetry: (m) => core.info(m),
  });
  try {
    let read, plans;
    try {
      ({ read, plans } = await plan(pool, inputs, timeline));
    } catch (err) {
      if (err instanceof RebaseRefusal)
        throw new UserError(`Cannot rebase ${formatReference(inputs.image)}: ${err.message}`);
      throw err;
    }
    const moved = plans.filter((p) => p.push);
    for (const p of plans)
      core.info(
        p.push ? `${p.platform}: ${p.from} → ${p.to}` : `${p.platform}: already on ${p.to}`,
      );
    if (moved.length === 0) {
      core.info(`${formatReference(inputs.image)} is on its current base; nothing pushed`);
      core.setOutput(OUTPUT.rebased, 'false');
      core.setOutput(OUTPUT.attestations, '{}');
      core.setOutput(OUTPUT.digest, read.top.digest);
      core.setOutput(
        OUTPUT.image,
        formatReference({
          registry: inputs.image.registry,
          repository: inputs.image.repository,
          digest: read.top.digest,
        }),
      );
      return;
    }
    const first = inputs.tags[0] ?? inputs.image;
    const { artifacts, attached } = attestRebased(inputs, moved, referenceName(first), read.index);
    let top = moved[0]!.push!.manifest;
    if (read.index) {
      const byOld = new Map(plans.map((p) => [p.oldDigest, p]));
      const dropped = read.index.manifests.filter(isAttestation);
      if (dropped.length)
        core.info(
          `${dropped.length} attestation manifest(s) of the old platform images are not carried over: they describe the images before the rebase`,
        );
      const index: ImageIndex = {
        ...read.index,
        manifests: read.index.manifests
          .filter((m) => !isAttestation(m))
          .map((m) => {
            const p = byOld.get(m.digest);
            const pushed = p?.push?.manifest;
            return pushed ? { ...m, digest: pushed.digest, size: pushed.bytes.length } : m;
          }),
      };
      const bases = new Map(plans.map((p) => [p.to.split('@')[0]!, p.baseTop]));
      if (read.index.annotations?.[Annotation.baseName] && bases.size === 1) {
        const [name, digest] = [...bases][0]!;
        index.annotations = {
          ...read.index.annotations,
          [Annotation.baseName]: name,
          [Annotation.baseDigest]: digest,
        };
      }
      top = toBlob(read.top.mediaType, index);
    }
    const targets = new Map<string, { registry: string; repository: string; tags: string[] }>();
    for (const t of inputs.tags.length ? inputs.tags : [inputs.image]) {
      const key = referenceName(t);
      const entry = targets.get(key) ?? {
        registry: t.registry,
        repository: t.repository,
        tags: [],
      };
      if (t.tag && !t.digest && !entry.tags.includes(t.tag)) entry.tags.push(t.tag);
      targets.set(key, entry);
    }
    for (const [name, t] of targets) {
      await timeline.phase('push', async (attrs) => {
        const stats = await publish(
          new RegistryTarget(pool.client(t.registry), t.repository),
          moved.map((p) => p.push!),
          top,
          t.tags,
          { artifacts },
        );
        Object.assign(attrs, { repository: name, tags: t.tags, ...stats });
        core.info(
          `Pushed ${name}@${top.digest}${t.tags.length ? ` as ${t.tags.join(', ')}` : ''} (${stats.bytesUploaded} bytes uploaded, ${stats.blobsMounted} blobs mounted, ${stats.blobsExisting} already there)`,
        );
      });
    }
    core.setOutput(OUTPUT.rebased, 'true');
    core.setOutput(OUTPUT.attestations, JSON.stringify(attached));
    for (const [p, a] of Object.entries(attached))
      core.info(
        `${p}: ${[a.sbom ? `SBOM ${a.sbom}` : '', a.provenance ? `provenance ${a.provenance}` : ''].filter(Boolean).join(', ')}`,
      );
    core.setOutput(OUTPUT.digest, top.digest);
    core.setOutput(
      OUTPUT.image,
      formatReference({
        registry: first.registry,
        repository: first.repository,
        digest: top.digest,
      }),
    );
    core.appendSummary(
      [
        `### rebase: ${formatReference(inputs.image)}`,
        '',
        '| platform | from | to |',
        '| --- | --- | --- |',
        ...plans.map(
          (p) => `| ${p.platform} | \`${p.from}\` | \`${p.push ? p.to : 'unchanged'}\` |`,
        ),
        '',
        `Pushed \`${top.digest}\`${inputs.tags.length ? ` as ${inputs.tags.map((t) => t.tag).join(', ')}` : ''}.`,
        '',
      ].join('\n'),
    );
  } finally {
    pool.close();
  }
}
