import { rm } from 'node:fs/promises';
import * as core from '../../runtime/core.js';
import { attestImage, describeAttached } from '../../attest/artifacts.js';
import { buildRun } from '../../attest/provenance.js';
import type { Builder } from '../../builders/builder.js';
import { BuildkitBuilder } from '../../builders/buildkit/buildkit.js';
import { GoBuilder } from '../../builders/go/go.js';
import { PackBuilder } from '../../builders/pack/pack.js';
import { gitContextFromEnv, sourceEpoch, type GitContext } from '../../github/context.js';
import { gitLabels } from '../../github/metadata.js';
import { imageTags } from '../../github/tagrules.js';
import { platformDigests } from '../../oci/index.js';
import { Annotation } from '../../oci/mediatypes.js';
import { formatPlatform } from '../../oci/platform.js';
import { formatReference, referenceName } from '../../oci/reference.js';
import { EarlyUploads } from '../../publish/early.js';
import { registryPool } from '../../publish/inputs.js';
import { publishTimed } from '../../publish/publish.js';
import { LayoutTarget, registryTargets } from '../../publish/target.js';
import { makeTempDir, runnerTemp } from '../../runtime/temp.js';
import { Timeline } from '../../runtime/timeline.js';
import {
  builderOf,
  checkBuilderInputs,
  destinationsOf,
  INPUT,
  OUTPUT,
  readInputs,
  TAG_ACCEPTED,
  type BuildPushInputs,
} from './inputs.js';

/** The builder the inputs ask for, with its own options. */
function makeBuilder(
  name: 'go' | 'buildkit' | 'pack',
  inputs: BuildPushInputs,
  o: { version: string; git: GitContext; tag: string },
): Builder {
  if (name === 'buildkit')
    // its options are build-push inputs of the same names
    return new BuildkitBuilder(inputs);
  if (name === 'pack')
    return new PackBuilder({
      builder: inputs.packBuilder,
      trustBuilder: inputs.trustBuilder,
      tag: o.tag,
    });
  const statics = inputs.staticDir
    ? { staticDir: inputs.staticDir, staticPath: inputs.staticPath }
    : {};
  const { main, ldflags, base, user, binary, expose, workdir, cmd, companions } = inputs;
  const image = { base, user, binary, expose, workdir, cmd, companions };
  const revision = o.git.sha || 'unknown';
  return new GoBuilder({ main, ldflags, ...image, version: o.version, revision, ...statics });
}

const platformList = (i: BuildPushInputs) => i.platforms.map(formatPlatform).join(', ');

export async function main(inputs = readInputs()): Promise<void> {
  const timeline = new Timeline('build-push');
  const git = gitContextFromEnv();
  const builderName = builderOf(inputs);
  const given = { tags: inputs.tags, rules: inputs.tagRules, flavor: inputs.flavor };
  const { tags, version } = imageTags({ input: INPUT.tags, accepted: TAG_ACCEPTED, ...given }, git);
  const dest = destinationsOf(inputs, builderName, tags, runnerTemp());
  await checkBuilderInputs(inputs, builderName);
  const first = dest.registries[0]?.ref;
  const pool = registryPool(inputs, first?.registry);
  // the binaries and layers (about three times the image): gone in every outcome
  const workDir = await makeTempDir('build');
  try {
    const epoch = await sourceEpoch(inputs.context);
    const created = new Date(epoch * 1000).toISOString();
    const labels = { ...gitLabels(git, created), ...inputs.labels };
    labels[Annotation.version] = inputs.labels[Annotation.version] ?? version;
    const registries = registryTargets(dest.registries, (r) => pool.client(r));
    const tag = dest.registries[0]?.tags[0] ?? 'latest';
    const builder = makeBuilder(builderName, inputs, { version, git, tag });
    // each destination is checked as the build starts: one that cannot take the push stops it
    const uploads = new EarlyUploads(
      registries.map((r) => r.target),
      tag,
    );
    const built = await uploads.during((signal) =>
      builder.build({
        context: inputs.context,
        platforms: inputs.platforms,
        epoch,
        labels,
        annotations: inputs.annotations,
        env: inputs.env,
        compression: inputs.compression,
        login: pool.login,
        clientFor: (r) => pool.client(r),
        destinations: dest.registries.map((d) => d.ref),
        workDir,
        timeline,
        uploads,
        signal,
      }),
    );
    core.info(`Built ${built.index.digest} with ${builder.name} for ${platformList(inputs)}`);
    const sbom = inputs.sbom ?? 'spdx';
    const attest = built.parameters && (sbom || inputs.provenance !== false);
    const { image, artifacts, attached } = attest
      ? attestImage(built, {
          sbom,
          provenance: inputs.provenance !== false,
          form: inputs.attestations,
          name: first ? referenceName(first) : `oci:${dest.layoutDir}`,
          created,
          revision: git.sha || 'unknown',
          run: buildRun(git),
          parameters: built.parameters!,
        })
      : { image: built, artifacts: [], attached: {} };
    const pushed: string[] = [];
    for (const { target, tags: repoTags } of registries) {
      await publishTimed(timeline, target, image, repoTags, { artifacts });
      pushed.push(...repoTags.map((tag) => `${target.name}:${tag}`));
    }
    if (dest.layoutDir) {
      const names = dest.layoutTags.length ? dest.layoutTags : ['latest'];
      const layout = await LayoutTarget.open(dest.layoutDir);
      await publishTimed(timeline, layout, image, names, { artifacts });
    }

    const digest = image.index.digest;
    const bareTag = tags.find((t) => !t.includes('/')) ?? 'latest';
    core.setOutput(OUTPUT.digest, digest);
    core.setOutput(
      OUTPUT.image,
      first ? formatReference({ ...first, digest }) : `oci:${dest.layoutDir}:${bareTag}`,
    );
    // what was tagged in a registry (nothing, by digest), else the layout's names
    const outTags = first ? pushed : tags;
    core.setOutput(OUTPUT.tags, outTags.join('\n'));
    const byPlatform = platformDigests(built.images.map((i) => i.descriptor));
    core.setOutput(OUTPUT.platformDigests, JSON.stringify(byPlatform));
    core.setOutput(
      OUTPUT.metadata,
      JSON.stringify({
        tags: dest.intended.length ? dest.intended : outTags,
        labels,
        annotations: Object.entries(inputs.annotations).map(([k, v]) => `index:${k}=${v}`),
        version,
        digest,
      }),
    );
    core.setOutput(OUTPUT.ociLayout, dest.layoutDir);
    core.setOutput(OUTPUT.attestations, JSON.stringify(attached));
    for (const line of describeAttached(attached, sbom)) core.info(line);
  } finally {
    pool.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
