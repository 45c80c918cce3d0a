import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '../../runtime/core.js';
import { resolveBase, STATIC_BASE_BUILD_TAGS } from '../../build/base.js';
import { refuseDockerBase } from '../../build/image.js';
import { buildGo } from '../../build/go/builder.js';
import { goMissing } from '../../build/go/compile.js';
import { attestations } from '../../attest/artifacts.js';
import { buildRun } from '../../attest/provenance.js';
import { gitContextFromEnv } from '../../github/context.js';
import { deriveMetadata } from '../../github/metadata.js';
import { evaluateTagRules } from '../../github/tagrules.js';
import type { Digest } from '../../oci/digest.js';
import { OciLayout } from '../../oci/layout.js';
import { formatPlatform } from '../../oci/platform.js';
import { formatReference, isValidTag, referenceName } from '../../oci/reference.js';
import { RegistryPool } from '../../publish/clients.js';
import { publish } from '../../publish/publish.js';
import { LayoutTarget, RegistryTarget } from '../../publish/target.js';
import { ValidationError } from '../../runtime/errors.js';
import { execFile, sayingWhenMissing } from '../../runtime/exec.js';
import { makeTempDir, runnerTemp } from '../../runtime/temp.js';
import { Timeline } from '../../runtime/timeline.js';
import { buildWithBuildkit, buildWithPack } from './external.js';
import {
  dockerfileIn,
  INPUT,
  OUTPUT,
  readInputs,
  TAG_ACCEPTED,
  targetsOf,
  type BuilderName,
} from './inputs.js';

/** The image's time: SOURCE_DATE_EPOCH, else the commit's, else 0 — the same for every rebuild of a commit. */
export async function sourceEpoch(
  context: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (env.SOURCE_DATE_EPOCH && /^\d+$/.test(env.SOURCE_DATE_EPOCH))
    return Number(env.SOURCE_DATE_EPOCH);
  const r = await execFile('git', ['-C', context, 'log', '-1', '--format=%ct'], {
    silent: true,
    allowFailure: true,
  }).catch(() => undefined);
  const out = r?.exitCode === 0 ? r.stdout.trim() : '';
  return /^\d+$/.test(out) ? Number(out) : 0;
}

function chooseBuilder(builder: BuilderName, context: string): 'go' | 'buildkit' | 'pack' {
  if (builder !== 'auto') return builder;
  if (dockerfileIn(context)) return 'buildkit';
  if (existsSync(join(context, 'go.mod'))) return 'go';
  throw new ValidationError(
    INPUT.context,
    context,
    'a Go module (go.mod) or a directory with a Dockerfile',
    'builder: auto found neither',
  );
}

/** The same outputs, in the same shapes, whichever builder ran. */
function setBuildOutputs(o: {
  digest: string;
  image: string;
  tags: string[];
  platformDigests: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  version: string;
  layoutDir: string;
  /** The tags the image is meant to have (with push-by-digest: what merge will tag). */
  intendedTags: string[];
}): void {
  core.setOutput(OUTPUT.digest, o.digest);
  core.setOutput(OUTPUT.image, o.image);
  core.setOutput(OUTPUT.tags, o.tags.join('\n'));
  core.setOutput(OUTPUT.platformDigests, JSON.stringify(o.platformDigests));
  core.setOutput(
    OUTPUT.metadata,
    JSON.stringify({
      tags: o.intendedTags,
      labels: o.labels,
      annotations: Object.entries(o.annotations).map(([k, v]) => `index:${k}=${v}`),
      version: o.version,
      digest: o.digest,
    }),
  );
  core.setOutput(OUTPUT.ociLayout, o.layoutDir);
}

export async function main(inputs = readInputs()): Promise<void> {
  const timeline = new Timeline('build-push');
  const builder = chooseBuilder(inputs.builder, inputs.context);

  const git = gitContextFromEnv();
  // tags and version do not depend on the time; the labels (created) are made when it is known
  const meta = deriveMetadata(git, '');
  const labelsAt = (epoch: number) => ({
    ...deriveMetadata(git, new Date(epoch * 1000).toISOString()).labels,
    'org.opencontainers.image.version': version,
    ...inputs.labels,
  });
  // metadata-action rules when given, else plain tags, else gantry's conventions from git
  const ruled = inputs.tagRules.length
    ? evaluateTagRules(INPUT.tags, inputs.tagRules, inputs.flavor, git)
    : undefined;
  const tags = ruled
    ? [...ruled.tags, ...inputs.tags]
    : inputs.tags.length
      ? inputs.tags
      : meta.tags;
  const version = ruled?.version || meta.version;
  // a tag made from a git ref (a branch named `-`, say) may come out empty or invalid: refused
  // before anything is built or pushed, naming the ref it came from
  const made = ruled ? ruled.tags : inputs.tags.length ? [] : meta.tags;
  const invalid = made.find((t) => !isValidTag(t));
  if (invalid !== undefined)
    throw new ValidationError(
      INPUT.tags,
      invalid,
      TAG_ACCEPTED,
      `the tags made for ${git.ref || 'this run'} include one that is not an OCI tag`,
    );
  const targets = targetsOf(inputs.images, inputs.images.length ? tags : inputs.tags);
  const intended: string[] = [];
  if (inputs.pushByDigest) {
    if (targets.size === 0 || inputs.push === false)
      throw new ValidationError(
        INPUT.pushByDigest,
        'true',
        'true with images to push to (and push not false)',
        'there is nowhere to push',
      );
    if (builder === 'pack')
      throw new ValidationError(
        INPUT.pushByDigest,
        'true',
        'false with builder: pack',
        'pack publishes each platform under a tag',
      );
    // pushed by digest, tagged by the merge step once every runner's platform is there: the
    // metadata output still says which tags the image is meant to have, for that step
    for (const t of targets.values()) {
      intended.push(...t.tags.map((tag) => `${referenceName(t.ref)}:${tag}`));
      t.tags = [];
    }
  }
  const push = inputs.push ?? targets.size > 0;
  if (push && targets.size === 0)
    throw new ValidationError(
      INPUT.images,
      '',
      'image names (or full references in tags) to push to',
      'push: true needs somewhere to push',
    );
  const layoutDir = inputs.ociLayout || (push ? '' : join(runnerTemp(), 'gantry', 'oci-layout'));

  const first = [...targets.values()][0]?.ref;
  const pool = new RegistryPool({
    ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
    ...(first ? { loginRegistry: first.registry } : {}),
    insecureRegistries: inputs.insecureRegistries,
    retryBudgetMs: inputs.retryBudgetMs,
    onRetry: (m) => core.info(m),
  });
  const report = (o: {
    digest: Digest;
    tags: string[];
    platformDigests: Record<string, string>;
    labels: Record<string, string>;
  }) =>
    setBuildOutputs({
      ...o,
      image: first
        ? formatReference({ ...first, digest: o.digest })
        : `oci:${layoutDir}:${tags.find((t) => !t.includes('/')) ?? 'latest'}`,
      annotations: inputs.annotations,
      version,
      intendedTags: intended.length ? intended : o.tags,
      layoutDir,
    });
  // the binaries and layers (about three times the image): gone in every outcome
  let workDir: string | undefined;
  try {
    if (builder !== 'go') {
      if (push && inputs.ociLayout)
        throw new ValidationError(
          INPUT.ociLayout,
          inputs.ociLayout,
          `empty with builder: ${builder} and push: true`,
          'this builder writes a registry or an OCI layout, not both',
        );
      const epoch = await sourceEpoch(inputs.context);
      const labels = labelsAt(epoch);
      const run = {
        inputs,
        destinations: push
          ? [...targets.values()].map((t) => ({
              ref: t.ref,
              tags: t.tags,
              client: pool.client(t.ref.registry),
            }))
          : [],
        layoutDir: push ? '' : layoutDir,
        layoutTags: tags.filter((t) => !t.includes('/')),
        labels,
        epoch,
        clientFor: (registry: string) => pool.client(registry),
        timeline,
      };
      const r = builder === 'buildkit' ? await buildWithBuildkit(run) : await buildWithPack(run);
      core.info(
        `Built ${r.digest} with ${builder} for ${inputs.platforms.map(formatPlatform).join(', ')}`,
      );
      report({
        digest: r.digest,
        tags: push ? r.pushed : tags,
        platformDigests: r.platformDigests,
        labels,
      });
      return;
    }
    // started by the builder once its compiles are on their way, and awaited after them
    let planned: ReturnType<typeof makePlan> | undefined;
    const makePlan = () =>
      Promise.all([
        sourceEpoch(inputs.context),
        timeline.phase('base', async (attrs) => {
          const b = await resolveBase(INPUT.base, inputs.base, inputs.platforms, (r) =>
            pool.client(r),
          );
          Object.assign(attrs, { base: inputs.base, ...(b.digest ? { digest: b.digest } : {}) });
          return b;
        }),
      ]).then(([epoch, base]) => {
        if (inputs.compression.compression === 'zstd')
          refuseDockerBase(INPUT.compression, 'zstd', inputs.base, base);
        return { epoch, base, labels: labelsAt(epoch) };
      });
    const plan = () => {
      // reads only (scheme, token) while the compiles run: nothing is
      // written before they end
      for (const { target } of registryTargets) void target.client.warm(target.repository);
      planned = makePlan();
      return planned;
    };
    // a registry's first repository gets the bytes; its others mount them from it, after it
    const firstIn = new Map<string, string>();
    const registryTargets = push
      ? [...targets.values()].map((t) => {
          const holder = firstIn.get(t.ref.registry);
          if (!holder) firstIn.set(t.ref.registry, t.ref.repository);
          return {
            tags: t.tags,
            target: new RegistryTarget(
              pool.client(t.ref.registry),
              t.ref.repository,
              holder ? [holder] : [],
            ),
          };
        })
      : [];
    workDir = await makeTempDir('build');
    const go = process.env.GANTRY_GO || 'go';
    const result = await buildGo({
      exec: sayingWhenMissing(execFile, go, goMissing('build-push')),
      go,
      context: inputs.context,
      main: inputs.main,
      platforms: inputs.platforms,
      plan,
      ldflags: inputs.ldflags,
      ...(inputs.base === 'static' ? { tags: STATIC_BASE_BUILD_TAGS } : {}),
      env: inputs.env,
      annotations: inputs.annotations,
      version,
      revision: git.sha || 'unknown',
      user: inputs.user,
      ...(inputs.staticDir ? { staticDir: inputs.staticDir, staticPath: inputs.staticPath } : {}),
      workDir,
      compression: inputs.compression,
      timeline,
      // start each upload as its layer is written, while other platforms still compile (to each
      // registry's first repository: the others mount); publish below awaits the same uploads
      // (and reports their failures)
      onBlob: (b) => {
        for (const { target } of registryTargets.filter((t) => !t.target.siblings.length))
          target
            .putBlob(b.descriptor, b.source, b.mountFrom ?? [], b.mountRegistry)
            .catch(() => undefined);
      },
    });
    const { labels, epoch, base } = await planned!;
    const digest = result.index.digest;
    const sbom = inputs.sbom ?? 'spdx';
    const withProvenance = inputs.provenance !== false;
    const { artifacts, attached } =
      sbom || withProvenance
        ? attestations(result.images, {
            sbom,
            provenance: withProvenance,
            name: first ? referenceName(first) : `oci:${layoutDir}`,
            created: new Date(epoch * 1000).toISOString(),
            revision: git.sha || 'unknown',
            baseFor: (p) => {
              const b = base.perPlatform.get(p);
              return base.reference && b?.manifestDigest
                ? { name: formatReference(base.reference), digest: b.manifestDigest }
                : undefined;
            },
            run: buildRun(git),
            parameters: {
              platforms: inputs.platforms.map(formatPlatform),
              main: inputs.main,
              ldflags: inputs.ldflags,
              buildTags: inputs.base === 'static' ? STATIC_BASE_BUILD_TAGS : [],
              base: inputs.base,
            },
          })
        : { artifacts: [], attached: {} };
    core.info(`Built ${digest} for ${inputs.platforms.map(formatPlatform).join(', ')}`);

    const pushed: string[] = [];
    for (const { target, tags: repoTags } of registryTargets) {
      await timeline.phase('push', async (attrs) => {
        const stats = await publish(target, result.images, result.index, repoTags, {
          artifacts,
        });
        Object.assign(attrs, { repository: target.name, tags: repoTags, ...stats });
        core.info(
          `Pushed ${target.name}@${digest} ${repoTags.length ? `as ${repoTags.join(', ')}` : 'by digest, untagged'}: ${stats.blobsUploaded} blobs uploaded (${stats.bytesUploaded} bytes), ${stats.blobsMounted} mounted, ${stats.blobsExisting} already there`,
        );
      });
      pushed.push(...repoTags.map((tag) => `${target.name}:${tag}`));
    }
    if (layoutDir) {
      await timeline.phase('oci-layout', async (attrs) => {
        const layout = new OciLayout(layoutDir);
        await layout.init();
        const layoutTags = tags.filter((t) => !t.includes('/'));
        const stats = await publish(
          new LayoutTarget(layout),
          result.images,
          result.index,
          layoutTags.length ? layoutTags : ['latest'],
          { artifacts },
        );
        Object.assign(attrs, { dir: layoutDir, ...stats });
        core.info(
          `Wrote ${digest} to the OCI layout ${layoutDir} (${layoutTags.join(', ') || 'latest'})`,
        );
      });
    }

    report({
      digest,
      // what was tagged in a registry (nothing, by digest), else the layout's names
      tags: push ? pushed : tags,
      platformDigests: Object.fromEntries(
        result.images.map((i) => [formatPlatform(i.platform), i.manifest.digest]),
      ),
      labels,
    });
    core.setOutput(OUTPUT.attestations, JSON.stringify(attached));
    for (const [p, a] of Object.entries(attached))
      core.info(
        `${p}: ${[a.sbom ? `SBOM (${sbom}) ${a.sbom}` : '', a.provenance ? `provenance ${a.provenance}` : ''].filter(Boolean).join(', ')}`,
      );
  } finally {
    pool.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}
