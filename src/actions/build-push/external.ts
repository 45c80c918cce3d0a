import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as core from '../../runtime/core.js';
import { buildctlBuildArgs, type BuildctlRequest } from '../../build/buildkit/argv.js';
import { parseBuildctlMetadata } from '../../build/buildkit/metadata.js';
import { removeSecretFiles, writeSecretFiles } from '../../build/buildkit/secrets.js';
import { packBuildArgs, platformTag } from '../../build/pack/argv.js';
import type { Digest } from '../../oci/digest.js';
import { OciLayout } from '../../oci/layout.js';
import type { ImageIndex } from '../../oci/manifest.js';
import { formatPlatform } from '../../oci/platform.js';
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
  labels: Record<string, string>;
  timeline: Timeline;
  exec?: Exec;
}

/** Runs a tool; a missing one is a one-line error saying which setup action installs it. */
async function runTool(
  exec: Exec,
  file: string,
  args: string[],
  setup: string,
  redact: string[] = [],
): Promise<void> {
  const say = `${file} is not on PATH; run ${setup} before build-push`;
  await sayingWhenMissing(exec, file, say)(file, args, { redact });
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

/**
 * builder: buildkit — `buildctl build` with the Dockerfile frontend, pushed by digest to every
 * destination (or written to the OCI layout), digest read from --metadata-file; gantry moves the
 * tags afterwards, so no tag points at anything half-pushed.
 */
export async function buildWithBuildkit(r: Run): Promise<ExternalBuild> {
  const { inputs } = r;
  const exec = r.exec ?? execFile;
  const dockerfile = inputs.file || join(inputs.context, 'Dockerfile');
  if (!(await stat(dockerfile).catch(() => undefined))?.isFile())
    throw new ValidationError(
      INPUT.file,
      dockerfile,
      'a Dockerfile (default: Dockerfile in context)',
      'no such file',
    );
  const work = await mkdtemp(join(runnerTemp(), 'gantry-buildkit-'));
  const secretDir = join(work, 'secrets');
  try {
    const secrets = await writeSecretFiles(secretDir, inputs.secrets);
    const request: BuildctlRequest = {
      context: inputs.context,
      dockerfileDir: dirname(dockerfile),
      filename: basename(dockerfile),
      platforms: inputs.platforms.map(formatPlatform),
      buildArgs: inputs.buildArgs,
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
    };
    const tokens = [...inputs.cacheFrom, ...inputs.cacheTo]
      .map((c) => c.token ?? '')
      .filter(Boolean);
    tokens.forEach((t) => core.setSecret(t));
    await r.timeline.phase('build', async (attrs) => {
      attrs.builder = 'buildkit';
      attrs.platforms = request.platforms;
      await runTool(exec, 'buildctl', buildctlBuildArgs(request), 'setup-buildkit', tokens);
    });
    const digest = parseBuildctlMetadata(await readFile(request.metadataFile, 'utf8')) as Digest;
    if (!r.destinations.length) {
      const layout = new OciLayout(r.layoutDir);
      const index = JSON.parse((await layout.readBlob(digest)).toString('utf8')) as ImageIndex;
      const platformDigests = Object.fromEntries(
        (index.manifests ?? [])
          .filter((m) => m.platform)
          .map((m) => [formatPlatform(m.platform!), m.digest]),
      );
      return { digest, platformDigests, pushed: [] };
    }
    const pushed: string[] = [];
    await r.timeline.phase('tag', async (attrs) => {
      for (const d of r.destinations) pushed.push(...(await moveTags(d, digest)));
      attrs.tags = pushed;
    });
    return { digest, platformDigests: await platformDigestsIn(r.destinations[0]!, digest), pushed };
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
