import { buildRun } from '../../attest/provenance.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { rebasedAttestations, type RebasedImage } from '../../attest/rebased.js';
import { gitContextFromEnv } from '../../github/context.js';
import { isAttestation } from '../../oci/index.js';
import { descriptorOf, toBlob, type ImageIndex } from '../../oci/manifest.js';
import { Annotation, ATTESTATION } from '../../oci/mediatypes.js';
import { formatReference, referenceName } from '../../oci/reference.js';
import { registryPool } from '../../publish/inputs.js';
import { publish } from '../../publish/publish.js';
import { RegistryTarget } from '../../publish/target.js';
import { planRebase, type PlatformPlan } from '../../rebuild/plan.js';
import { RebaseRefusal } from '../../rebuild/rebase.js';
import * as core from '../../runtime/core.js';
import { UserError, ValidationError } from '../../runtime/errors.js';
import { Timeline } from '../../runtime/timeline.js';
import { INPUT, OUTPUT, readInputs, type RebaseInputs } from './inputs.js';

/**
 * The rebased images' SBOMs and provenance, as `sbom` and `provenance` say; by default as the
 * old image was: an SBOM in its SBOM's format (its modules carried over), provenance when
 * anything attested it; where the old image's were (referrers, its index, or both). An SBOM asked for a platform whose old image had none of gantry's (no
 * modules to carry) is refused before anything is written.
 */
function attestRebased(inputs: RebaseInputs, moved: readonly PlatformPlan[], name: string) {
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
  // referrers, or attestation manifests in the old index (BuildKit's, or attestations: index)
  const attachedOf = (i: RebasedImage) => moved.find((p) => p.oldDigest === i.old.digest)?.attached;
  return rebasedAttestations(images, {
    sbom: (i) => (inputs.sbom === undefined ? (i.sbom?.format ?? false) : inputs.sbom),
    provenance: (i) => inputs.provenance ?? Boolean(attachedOf(i)?.attested),
    form: (i) => attachedOf(i)?.form ?? 'referrers',
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
  const pool = registryPool(inputs, inputs.image.registry);
  try {
    let read, plans;
    try {
      ({ read, plans } = await planRebase(
        pool,
        {
          image: inputs.image,
          base: inputs.base,
          inputs: { image: INPUT.image, base: INPUT.base },
        },
        timeline,
      ));
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
    const { artifacts, inIndex, attached } = attestRebased(inputs, moved, referenceName(first));
    let top = moved[0]!.push!.manifest;
    if (read.index) {
      const byOld = new Map(plans.map((p) => [p.oldDigest, p]));
      // an attestation manifest describes one platform image: the moved ones' go with them
      const rebasedAway = (m: Descriptor) =>
        isAttestation(m) &&
        Boolean(
          plans.find((p) => p.oldDigest === m.annotations?.[ATTESTATION.referenceDigest])?.push,
        );
      const dropped = read.index.manifests.filter(rebasedAway);
      if (dropped.length)
        core.info(
          `${dropped.length} attestation manifest(s) of the old platform images are replaced by ${inIndex.length} for the rebased ones: they describe the images before the rebase`,
        );
      const index: ImageIndex = {
        ...read.index,
        manifests: read.index.manifests
          .filter((m) => !rebasedAway(m))
          .map((m) => {
            const p = byOld.get(m.digest);
            const pushed = p?.push?.manifest;
            return pushed ? { ...m, digest: pushed.digest, size: pushed.bytes.length } : m;
          })
          .concat(inIndex.map((a) => a.descriptor)),
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
          [...moved.map((p) => p.push!), ...inIndex],
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
