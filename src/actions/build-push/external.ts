import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as core from '../../runtime/core.js';
import { buildctlBuildArgs, type BuildctlRequest } from '../../build/buildkit/argv.js';
import {
  baseAnnotations,
  finalBase,
  resolveStageBases,
  sourcePolicy,
} from '../../build/buildkit/bases.js';
import { contextIgnore, writeDockerfileDir } from '../../build/buildkit/dockerignore.js';
import { finalStage, parseStages } from '../../build/buildkit/dockerfile.js';
import { buildFailure, unreachable } from '../../build/buildkit/failure.js';
import { parseBuildctlDescriptor, type ExportedDescriptor } from '../../build/buildkit/metadata.js';
import { buildIndex, isAttestation } from '../../oci/index.js';
import { isIndexMediaType, MediaType } from '../../oci/mediatypes.js';
import type { Blob } from '../../oci/manifest.js';
import { workspaceRoot } from '../../runtime/workspace.js';
import { removeSecretFiles, writeSecretFiles } from '../../build/buildkit/secrets.js';
import { packBuildArgs, platformTag } from '../../build/pack/argv.js';
import type { Digest } from '../../oci/digest.js';
import { OciLayout } from '../../oci/layout.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { formatPlatform, hostPlatform } from '../../oci/platform.js';
import type { Reference } from '../../oci/reference.js';
import type { RegistryClient } from '../../oci/registry/client.js';
import { mergeIndex, resolveSource } from '../../publish/merge.js';
import { ValidationError } from '../../runtime/errors.js';
import { execFile, sayingWhenMissing, type Exec } from '../../runtime/exec.js';
import { runnerTemp } from '../../runtime/temp.js';
import type { Timeline } from '../../runtime/timeline.js';
import { INPUT, type BuildPushInputs } from './inputs.js';

export interface Destination {
  ref: Reference;
  tags: string[];
  client: RegistryClient;
}

export interface ExternalBuild {
  digest: Digest;
  platformDigests: Record<string, string>;
  /** repository:tag of every tag moved, after everything it points at existed. */
  pushed: string[];
}

interface Run {
  inputs: BuildPushInputs;
  destinations: Destination[];
  layoutDir: string;
  /** The names the OCI layout lists the image under (bare tags). */
  layoutTags: string[];
  labels: Record<string, string>;
  /** The image's time (SOURCE_DATE_EPOCH or the commit's), in seconds. */
  epoch: number;
  /** A registry client for any registry (bases live elsewhere than the destinations). */
  clientFor: (registry: string) => RegistryClient;
  timeline: Timeline;
  exec?: Exec;
}

/** Runs a tool; a missing one is a one-line error saying which setup action installs it. */
async function runTool(
  exec: Exec,
  file: string,
  args: string[],
  setup: string,
  opts: { redact?: string[]; silent?: boolean } = {},
): Promise<void> {
  const say = `${file} is not on PATH; run ${setup} before build-push`;
  await sayingWhenMissing(exec, file, say)(file, args, opts);
}

/** The platforms of an index the registry holds, by digest. */
async function platformDigestsIn(
  dest: Destination,
  digest: Digest,
): Promise<Record<string, string>> {
  const src = await resolveSource(dest.client, { ...dest.ref, digest });
  return Object.fromEntries(
    src.children.filter((c) => c.platform).map((c) => [formatPlatform(c.platform!), c.digest]),
  );
}

/** Tags last: each tag is a PUT of the index that is already there by digest. */
async function moveTags(dest: Destination, digest: Digest): Promise<string[]> {
  const index = await dest.client.getManifest(dest.ref.repository, digest);
  for (const tag of dest.tags) await dest.client.putManifest(dest.ref.repository, tag, index);
  const name = `${dest.ref.registry}/${dest.ref.repository}`;
  return dest.tags.map((t) => `${name}:${t}`);
}

/** `buildctl debug workers`: BuildKit answers before anything is resolved or built. */
async function checkBuildkit(exec: Exec): Promise<void> {
  const endpoint = process.env.BUILDKIT_HOST || 'unix:///run/buildkit/buildkitd.sock';
  await runTool(exec, 'buildctl', ['debug', 'workers'], 'setup-buildkit', { silent: true }).catch(
    (err: unknown) => {
      throw unreachable(endpoint, err);
    },
  );
}

/** The platform images and their descriptors under an index (BuildKit's, or one gantry wraps). */
async function finalIndex(
  exported: ExportedDescriptor,
  annotations: Record<string, string>,
  read: (digest: Digest) => Promise<Buffer>,
): Promise<{ blob?: Blob; digest: Digest; index: ImageIndex }> {
  if (isIndexMediaType(exported.mediaType)) {
    const index = JSON.parse(
      (await read(exported.digest as Digest)).toString('utf8'),
    ) as ImageIndex;
    return { digest: exported.digest as Digest, index };
  }
  // one platform: BuildKit wrote a bare manifest; `digest` is of an index whatever the count
  const { index, blob } = buildIndex(
    [
      {
        mediaType: exported.mediaType,
        digest: exported.digest as Digest,
        size: exported.size,
        ...(exported.platform ? { platform: exported.platform } : {}),
      },
    ],
    { annotations },
  );
  return { blob, digest: blob.digest, index };
}

function platformDigestsOf(index: ImageIndex): Record<string, string> {
  return Object.fromEntries(
    index.manifests
      .filter((m) => m.platform && !isAttestation(m))
      .map((m) => [formatPlatform(m.platform!), m.digest]),
  );
}

/**
 * builder: buildkit — every stage's base resolved by gantry and pinned for BuildKit (a source
 * policy), so the image records what it was built on; `buildctl build` with the Dockerfile
 * frontend, file times from SOURCE_DATE_EPOCH (one commit, one digest), annotations on the index
 * and on each platform's image; pushed by digest to every destination (or written to the OCI
 * layout); a one-platform image wrapped in an index; gantry moves the tags last.
 */
export async function buildWithBuildkit(r: Run): Promise<ExternalBuild> {
  const { inputs } = r;
  const exec = r.exec ?? execFile;
  const dockerfile = inputs.file || join(inputs.context, 'Dockerfile');
  if (!(await stat(dockerfile).catch(() => undefined))?.isFile())
    throw new ValidationError(
      INPUT.file,
      relative(workspaceRoot(), dockerfile),
      'a Dockerfile in the workspace (default: Dockerfile in context)',
      'no such file',
    );
  if (inputs.sbom === 'cyclonedx')
    throw new ValidationError(
      INPUT.sbom,
      'cyclonedx',
      'spdx or false with builder: buildkit',
      "BuildKit's SBOM generator writes SPDX",
    );
  if (inputs.provenance === 'max') {
    const secret = Object.entries(inputs.buildArgs).find(([, v]) => core.holdsSecret(v));
    if (secret)
      throw new ValidationError(
        INPUT.buildArgs,
        `${secret[0]}=***`,
        'build args without secrets with provenance: max (pass secrets with secrets or secret-envs)',
        'provenance: max publishes every build-arg value beside the image',
      );
    core.warning(
      'provenance: max publishes every build-arg value beside the image (BuildKit mode=max); pass secrets with secrets or secret-envs, never as build args',
    );
  }
  const stages = parseStages(await readFile(dockerfile, 'utf8'), inputs.buildArgs);
  if (inputs.target && !finalStage(stages, inputs.target))
    throw new ValidationError(
      INPUT.target,
      inputs.target,
      `a stage of the Dockerfile (${stages.flatMap((s) => s.name ?? []).join(', ') || 'it names none'})`,
    );
  await checkBuildkit(exec);
  const bases = await r.timeline.phase('base', async (attrs) => {
    const resolved = await resolveStageBases(
      INPUT.file,
      stages,
      inputs.platforms,
      r.clientFor,
      // buildkitd runs on this runner (setup-buildkit): $BUILDPLATFORM is its platform
      hostPlatform(),
    );
    attrs.bases = resolved.map((b) => `${b.stage}: ${b.name}@${b.digest}`);
    return resolved;
  });
  const final = finalBase(stages, bases, inputs.target);
  const indexAnnotations = { ...baseAnnotations(bases, final), ...inputs.annotations };
  const platforms = inputs.platforms.map(formatPlatform);
  const work = await mkdtemp(join(runnerTemp(), 'gantry-buildkit-'));
  const secretDir = join(work, 'secrets');
  try {
    const secrets = await writeSecretFiles(secretDir, inputs.secrets);
    const policy = join(work, 'source-policy.json');
    if (bases.length) await writeFile(policy, JSON.stringify(sourcePolicy(bases)));
    const ignore = await contextIgnore(dockerfile, inputs.context);
    core.info(
      ignore.sendsGit
        ? '.git is sent in the build context: the .dockerignore says !.git'
        : '.git is left out of the build context (the runner keeps its token in .git/config); !.git in .dockerignore sends it',
    );
    const request: BuildctlRequest = {
      context: inputs.context,
      ...(await writeDockerfileDir(dockerfile, join(work, 'dockerfile'), ignore.lines)),
      platforms,
      buildArgs: { SOURCE_DATE_EPOCH: String(r.epoch), ...inputs.buildArgs },
      labels: r.labels,
      ...(inputs.target ? { target: inputs.target } : {}),
      secrets,
      cacheFrom: inputs.cacheFrom,
      cacheTo: inputs.cacheTo,
      output: r.destinations.length
        ? {
            kind: 'registry',
            names: r.destinations.map((d) => `${d.ref.registry}/${d.ref.repository}`),
            pushByDigest: true,
          }
        : { kind: 'oci-layout', dest: r.layoutDir },
      metadataFile: join(work, 'metadata.json'),
      ...(bases.length ? { sourcePolicyFile: policy } : {}),
      // only when asked: BuildKit's SBOM needs its scanner image, and its provenance holds times
      ...(inputs.sbom || inputs.provenance
        ? { attest: { sbom: inputs.sbom === 'spdx', provenance: inputs.provenance ?? false } }
        : {}),
      ...(inputs.compression.given
        ? { compression: { type: inputs.compression.compression, level: inputs.compression.level } }
        : {}),
      annotations: {
        manifests: Object.fromEntries(
          inputs.platforms.map((p) => [formatPlatform(p), baseAnnotations(bases, final, p)]),
        ),
        index: indexAnnotations,
      },
    };
    const tokens = [...inputs.cacheFrom, ...inputs.cacheTo]
      .map((c) => c.token ?? '')
      .filter(Boolean);
    tokens.forEach((t) => core.setSecret(t));
    await r.timeline.phase('build', async (attrs) => {
      attrs.builder = 'buildkit';
      attrs.platforms = request.platforms;
      // argv and BuildKit's log folded away; a failure's one line leads with BuildKit's cause
      core.startGroup('buildctl build');
      try {
        await runTool(exec, 'buildctl', buildctlBuildArgs(request), 'setup-buildkit', {
          redact: tokens,
        });
      } catch (err) {
        throw buildFailure(err);
      } finally {
        core.endGroup();
      }
    });
    const exported = parseBuildctlDescriptor(await readFile(request.metadataFile, 'utf8'));
    if (!r.destinations.length) {
      const layout = new OciLayout(r.layoutDir);
      const { blob, digest, index } = await finalIndex(exported, indexAnnotations, (d) =>
        layout.readBlob(d),
      );
      if (blob)
        await layout.writeBlob({ digest: blob.digest, size: blob.bytes.length }, blob.bytes);
      const refNames = r.layoutTags.length ? r.layoutTags : ['latest'];
      await layout.nameOnly(
        {
          mediaType: index.mediaType ?? MediaType.ociIndex,
          digest,
          size: blob?.bytes.length ?? exported.size,
        },
        refNames,
      );
      return { digest, platformDigests: platformDigestsOf(index), pushed: [] };
    }
    const first = r.destinations[0]!;
    const { blob, digest, index } = await finalIndex(
      exported,
      indexAnnotations,
      async (d) => (await first.client.getManifest(first.ref.repository, d)).bytes,
    );
    const pushed: string[] = [];
    await r.timeline.phase('tag', async (attrs) => {
      for (const d of r.destinations) {
        if (blob) await d.client.putManifest(d.ref.repository, digest, blob);
        pushed.push(...(await moveTags(d, digest)));
      }
      attrs.tags = pushed;
    });
    return { digest, platformDigests: platformDigestsOf(index), pushed };
  } finally {
    await removeSecretFiles(secretDir);
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * builder: pack — `pack build --publish` once per platform (to `<tag>-<os>-<arch>`), then the
 * index over them assembled and pushed with gantry's OCI client, by digest, then tagged.
 */
export async function buildWithPack(r: Run): Promise<ExternalBuild> {
  const { inputs } = r;
  const exec = r.exec ?? execFile;
  const [first, ...others] = r.destinations;
  if (inputs.compression.compression !== 'gzip')
    throw new ValidationError(
      INPUT.compression,
      inputs.compression.compression,
      'gzip with builder: pack',
      'pack writes gzip layers only',
    );
  for (const [input, given] of [
    [INPUT.sbom, inputs.sbom],
    [INPUT.provenance, inputs.provenance],
  ] as const)
    if (given)
      throw new ValidationError(
        input,
        String(given),
        'false or empty with builder: pack',
        'pack writes its own SBOM layers (pack sbom download) and no provenance',
      );
  if (!first)
    throw new ValidationError(
      INPUT.push,
      'false',
      'push: true with images or full-reference tags',
      'builder: pack publishes to a registry; it writes no OCI layout',
    );
  for (const d of others)
    throw new ValidationError(
      INPUT.images,
      `${d.ref.registry}/${d.ref.repository}`,
      'one image repository with builder: pack (the merge action copies an index to others)',
    );
  const baseTag = first.tags[0] ?? 'latest';
  const sources = [];
  for (const platform of inputs.platforms) {
    const tag = platformTag(baseTag, platform);
    await r.timeline.phase(`build ${formatPlatform(platform)}`, async (attrs) => {
      attrs.builder = 'pack';
      await runTool(
        exec,
        'pack',
        packBuildArgs({
          image: `${first.ref.registry}/${first.ref.repository}:${tag}`,
          path: inputs.context,
          platform,
          ...(inputs.packBuilder ? { builder: inputs.packBuilder } : {}),
          env: inputs.env,
          trustBuilder: inputs.trustBuilder,
        }),
        'setup-pack',
      );
    });
    const top = await first.client.getManifest(first.ref.repository, tag);
    sources.push(await resolveSource(first.client, { ...first.ref, digest: top.digest }));
  }
  const { blob } = mergeIndex(sources, inputs.annotations);
  const digest = blob.digest;
  const pushed: string[] = [];
  await r.timeline.phase('push', async (attrs) => {
    await first.client.putManifest(first.ref.repository, digest, blob);
    pushed.push(...(await moveTags(first, digest)));
    attrs.tags = pushed;
  });
  return { digest, platformDigests: await platformDigestsIn(first, digest), pushed };
}
