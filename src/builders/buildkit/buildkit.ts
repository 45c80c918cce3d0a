import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '../../runtime/core.js';
import { buildIndex } from '../../oci/index.js';
import { OciLayout } from '../../oci/layout.js';
import { formatPlatform, hostPlatform, type Platform } from '../../oci/platform.js';
import {
  blobsToCopy,
  layoutStore,
  readImage,
  registryStore,
  type ImageStore,
} from '../../oci/read.js';
import { withDockerConfig } from '../../oci/registry/credentials.js';
import { ValidationError } from '../../runtime/errors.js';
import { execFile, type Exec } from '../../runtime/exec.js';
import type { Builder, BuildRequest, BuiltImage } from '../builder.js';
import { runTool } from '../tool.js';
import { DEFAULT_BUILDKIT_SOCKET } from '../../tools/buildkit/config.js';
import { buildctlBuildArgs, type BuildctlRequest, type CacheSpec } from './argv.js';
import { baseAnnotations, finalBase, resolvePlatformBases, sourcePolicy } from './bases.js';
import { contextIgnore, writeDockerfileDir } from './dockerignore.js';
import { finalStage, parseStages, platformArgs } from './dockerfile.js';
import { buildFailure, unreachable } from './failure.js';
import { parseBuildctlDescriptor } from './metadata.js';
import { removeSecretFiles, writeSecretFiles } from './secrets.js';

/** The BuildKit builder's own choices (the rest comes with each request). */
export interface BuildkitOptions {
  /** The Dockerfile ('' for Dockerfile in the context), checked to exist when the inputs were read. */
  file: string;
  /** The stage to build, as the `target` input names it ('' for the last). */
  target: string;
  buildArgs: Record<string, string>;
  secrets: Record<string, string>;
  cacheFrom: CacheSpec[];
  cacheTo: CacheSpec[];
  /** BuildKit's own attestations: only when asked (its SBOM, `spdx`, needs a scanner image). */
  sbom: string | false | undefined;
  provenance: false | 'min' | 'max' | undefined;
  exec?: Exec;
}

/** `buildctl debug workers`: BuildKit answers before anything is resolved or built. */
async function checkBuildkit(exec: Exec): Promise<void> {
  const endpoint = process.env.BUILDKIT_HOST || `unix://${DEFAULT_BUILDKIT_SOCKET}`;
  await runTool(exec, 'buildctl', ['debug', 'workers'], 'setup-buildkit', { silent: true }).catch(
    (err: unknown) => {
      throw unreachable(endpoint, err);
    },
  );
}

/**
 * builder: buildkit — every stage's base resolved by gantry and pinned for BuildKit (a source
 * policy), so the image records what it was built on; `buildctl build` with the Dockerfile
 * frontend, file times from SOURCE_DATE_EPOCH (one commit, one digest), annotations on the index
 * and on each platform's image. BuildKit pushes by digest to every destination (or writes an OCI
 * layout of the build's own); what it wrote is read back as the built image, a one-platform
 * image wrapped in an index. It moves no tag.
 */
export class BuildkitBuilder implements Builder {
  readonly name = 'buildkit';
  constructor(private readonly o: BuildkitOptions) {}

  async build(r: BuildRequest): Promise<BuiltImage> {
    const o = this.o;
    const exec = o.exec ?? execFile;
    const dockerfile = o.file || join(r.context, 'Dockerfile');
    const text = await readFile(dockerfile, 'utf8');
    // buildkitd runs on this runner (setup-buildkit): $BUILDPLATFORM is its platform
    const host = hostPlatform();
    const stagesOf = r.platforms.map((platform) => ({
      platform,
      stages: parseStages(text, o.buildArgs, platformArgs(platform, host)),
    }));
    const stages = stagesOf[0]?.stages ?? [];
    if (o.target && !finalStage(stages, o.target))
      throw new ValidationError(
        'target',
        o.target,
        `a stage of the Dockerfile (${stages.flatMap((s) => s.name ?? []).join(', ') || 'it names none'})`,
      );
    await checkBuildkit(exec);
    const bases = await r.timeline.phase('base', async (attrs) => {
      const resolved = await resolvePlatformBases('file', stagesOf, r.clientFor, host);
      attrs.bases = resolved.map((b) => `${b.stage}: ${b.name}@${b.digest}`);
      return resolved;
    });
    // each platform's final base (a `FROM base-${TARGETARCH}` picks another per platform); the
    // index names one only when they agree
    const finals = stagesOf.map((s) => finalBase(s.stages, bases, o.target));
    const final = finals.every((f) => f === finals[0]) ? finals[0] : undefined;
    const indexAnnotations = { ...baseAnnotations(bases, final), ...r.annotations };
    const work = join(r.workDir, 'buildkit');
    const layoutDir = join(work, 'oci');
    await mkdir(work, { recursive: true });
    const secretDir = join(work, 'secrets');
    try {
      const secrets = await writeSecretFiles(secretDir, o.secrets);
      const policy = join(work, 'source-policy.json');
      if (bases.length) await writeFile(policy, JSON.stringify(sourcePolicy(bases)));
      const ignore = await contextIgnore(dockerfile, r.context);
      core.info(
        ignore.sendsGit
          ? '.git is sent in the build context: the .dockerignore says !.git'
          : '.git is left out of the build context (the runner keeps its token in .git/config); !.git in .dockerignore sends it',
      );
      const request: BuildctlRequest = {
        context: r.context,
        ...(await writeDockerfileDir(dockerfile, join(work, 'dockerfile'), ignore.lines)),
        platforms: r.platforms.map(formatPlatform),
        buildArgs: { SOURCE_DATE_EPOCH: String(r.epoch), ...o.buildArgs },
        labels: r.labels,
        ...(o.target ? { target: o.target } : {}),
        secrets,
        cacheFrom: o.cacheFrom,
        cacheTo: o.cacheTo,
        output: r.destinations.length
          ? {
              kind: 'registry',
              names: r.destinations.map((d) => `${d.registry}/${d.repository}`),
              pushByDigest: true,
            }
          : { kind: 'oci-layout', dest: layoutDir },
        metadataFile: join(work, 'metadata.json'),
        ...(bases.length ? { sourcePolicyFile: policy } : {}),
        ...(o.sbom || o.provenance
          ? { attest: { sbom: o.sbom === 'spdx', provenance: o.provenance ?? false } }
          : {}),
        ...(r.compression.given
          ? { compression: { type: r.compression.compression, level: r.compression.level } }
          : {}),
        annotations: {
          manifests: Object.fromEntries(
            r.platforms.map((p, i) => [formatPlatform(p), baseAnnotations(bases, finals[i], p)]),
          ),
          index: indexAnnotations,
        },
      };
      const tokens = [...o.cacheFrom, ...o.cacheTo].map((c) => c.token ?? '').filter(Boolean);
      tokens.forEach((t) => core.setSecret(t));
      await r.timeline.phase('build', async (attrs) => {
        attrs.builder = 'buildkit';
        attrs.platforms = request.platforms;
        // argv and BuildKit's log folded away; a failure's one line leads with BuildKit's cause
        core.startGroup('buildctl build');
        // the inputs' login reaches BuildKit's push through a private docker config, beside
        // what docker/login-action wrote; without one, buildctl reads the runner's own
        const build = (env?: NodeJS.ProcessEnv) =>
          runTool(exec, 'buildctl', buildctlBuildArgs(request), 'setup-buildkit', {
            redact: tokens,
            ...(env ? { env } : {}),
            signal: r.signal,
          });
        try {
          if (r.login)
            await withDockerConfig(
              new Map([[r.login.registry, r.login.credentials]]),
              (dir) => build({ ...process.env, DOCKER_CONFIG: dir }),
              { merge: true },
            );
          else await build();
        } catch (err) {
          throw buildFailure(err);
        } finally {
          core.endGroup();
        }
      });
      const exported = parseBuildctlDescriptor(await readFile(request.metadataFile, 'utf8'));
      const first = r.destinations[0];
      const store = first
        ? registryStore(r.clientFor(first.registry), first.repository)
        : layoutStore(new OciLayout(layoutDir));
      return await builtImage(store, exported, indexAnnotations);
    } finally {
      await removeSecretFiles(secretDir);
    }
  }
}

/** What BuildKit wrote, read back: its index, or one platform's manifest wrapped in an index. */
async function builtImage(
  store: ImageStore,
  exported: { digest: string; platform?: Platform },
  annotations: Record<string, string>,
): Promise<BuiltImage> {
  const read = await readImage(store, exported.digest, { all: true });
  if (!read) throw new Error(`${store.name} has no ${exported.digest}, which BuildKit reported`);
  const images = read.manifests.map((m) => {
    const platform = exported.platform && !read.index ? exported.platform : m.descriptor.platform!;
    return {
      platform,
      descriptor: { ...m.descriptor, platform },
      manifest: m.blob,
      blobs: blobsToCopy(store, m),
    };
  });
  if (read.index) return { images, index: read.top };
  // one platform: BuildKit wrote a bare manifest; the image is an index whatever the count
  return {
    images,
    index: buildIndex(
      images.map((i) => i.descriptor),
      { annotations },
    ).blob,
  };
}
