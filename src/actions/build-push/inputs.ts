import type { SbomFormat } from '../../attest/sbom.js';
import { ATTESTATION_FORMS, type AttestationForm } from '../../attest/artifacts.js';
import { COMPRESSIONS, LEVELS, zstdAvailable, type Compression } from '../../image/compress.js';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as core from '../../runtime/core.js';
import { parseCacheSpec, type CacheSpec } from '../../builders/buildkit/argv.js';
import { isAbsolute, join, posix, relative } from 'node:path';
import { MAIN_ACCEPTED } from '../../tools/go/compile.js';
import { resolveInside, workspaceRoot } from '../../runtime/workspace.js';
import type { Platform } from '../../oci/platform.js';
import { referenceName, type Reference } from '../../oci/reference.js';
import { ValidationError } from '../../runtime/errors.js';
import { readBoolean, readEnum, readList, readPath, readString } from '../../runtime/inputs.js';
import type { Credentials } from '../../oci/registry/auth.js';
import {
  parseAnnotations,
  readCredentials,
  readImageNames,
  readPlatforms,
  readTagLines,
  targetsOf,
  readRetryBudget,
  readSbomFormat,
} from '../../publish/inputs.js';
import { parseFlavor, type Flavor, type TagRule } from '../../github/tagrules.js';

/** Input and output names, as in actions/build-push/action.yml. */
export const INPUT = {
  builder: 'builder',
  context: 'context',
  platforms: 'platforms',
  images: 'images',
  tags: 'tags',
  flavor: 'flavor',
  labels: 'labels',
  annotations: 'annotations',
  push: 'push',
  pushByDigest: 'push-by-digest',
  ociLayout: 'oci-layout',
  username: 'username',
  password: 'password',
  insecureRegistries: 'insecure-registries',
  retryBudget: 'registry-retry-budget',
  main: 'main',
  base: 'base',
  ldflags: 'ldflags',
  env: 'env',
  user: 'user',
  staticDir: 'static-dir',
  staticPath: 'static-path',
  binary: 'binary',
  expose: 'expose',
  workdir: 'workdir',
  cmd: 'cmd',
  file: 'file',
  buildArgs: 'build-args',
  target: 'target',
  secrets: 'secrets',
  secretEnvs: 'secret-envs',
  cacheFrom: 'cache-from',
  cacheTo: 'cache-to',
  packBuilder: 'pack-builder',
  sbom: 'sbom',
  provenance: 'provenance',
  attestations: 'attestations',
  trustBuilder: 'trust-builder',
  compression: 'compression',
  compressionLevel: 'compression-level',
} as const;

export const OUTPUT = {
  digest: 'digest',
  image: 'image',
  tags: 'tags',
  platformDigests: 'platform-digests',
  metadata: 'metadata',
  ociLayout: 'oci-layout',
  attestations: 'attestations',
} as const;

export const BUILDERS = ['auto', 'go', 'buildkit', 'pack'] as const;
export type BuilderName = (typeof BUILDERS)[number];

export interface BuildPushInputs {
  builder: BuilderName;
  context: string;
  platforms: Platform[];
  images: Reference[];
  /** Bare tags (applied to every image) and full references, as given; empty = from git. */
  tags: string[];
  /** metadata-action rules (type=…), plain bare tags among them as type=raw; evaluated in main. */
  tagRules: TagRule[];
  flavor: Flavor;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  push: boolean | undefined;
  /** Tag nothing: the digest is what a matrix's merge step combines. */
  pushByDigest: boolean;
  ociLayout: string;
  credentials?: Credentials;
  insecureRegistries: string[];
  /** registry-retry-budget, in ms. */
  retryBudgetMs: number;
  main: string;
  /** go builder: more programs for the image (main's further lines), each at its path. */
  companions: { main: string; path?: string }[];
  base: string;
  ldflags: string[];
  env: Record<string, string>;
  user: string;
  staticDir: string;
  staticPath: string;
  /** go builder: the program's path in the image ('' = /usr/local/bin/<name>), ports, working directory, Cmd. */
  binary: string;
  expose: string[];
  workdir: string;
  cmd: string[];
  /** buildkit: the Dockerfile ('' = Dockerfile in context), build args, target, secrets by id. */
  file: string;
  buildArgs: Record<string, string>;
  target: string;
  secrets: Record<string, string>;
  cacheFrom: CacheSpec[];
  cacheTo: CacheSpec[];
  /** pack: the builder image ('' = pack's configured default) and whether to trust it. */
  packBuilder: string;
  trustBuilder: boolean;
  /** undefined = the builder's default (go: spdx and provenance; buildkit, pack: none). */
  sbom: SbomFormat | false | undefined;
  /**
   * min: what was built from what (BuildKit's mode=min, the go builder's statement); max: also
   * BuildKit's build steps and every build-arg value, published beside the image.
   */
  provenance: Provenance | undefined;
  /** Where the go builder's SBOM and provenance go: referrers, the image index, or both. */
  attestations: AttestationForm;
  /** Layer compression; `given` when the input was set (BuildKit keeps its own default else). */
  compression: { compression: Compression; level: number; given: boolean };
}

/** Cache lines; a `type=local` one's directory goes through the workspace boundary like any path. */
function readCacheSpecs(input: string, pathKey: 'src' | 'dest'): CacheSpec[] {
  return readList(input, { newlineOnly: true }).map((line) => {
    const spec = parseCacheSpec(input, line);
    const dir = spec[pathKey];
    if (spec.type !== 'local' || dir === undefined) return spec;
    return {
      ...spec,
      [pathKey]: resolveInside(input, dir, {
        scope: 'workspace-or-temp',
        accepted: `type=local,${pathKey}=<a directory in the workspace or RUNNER_TEMP>`,
      }),
    };
  });
}

export type Provenance = false | 'min' | 'max';
const PROVENANCE = ['true', 'false', 'min', 'max'] as const;

function readProvenance(): Provenance | undefined {
  if (!readString(INPUT.provenance)) return undefined;
  const value = readEnum(INPUT.provenance, PROVENANCE, 'true');
  return value === 'false' ? false : value === 'max' ? 'max' : 'min';
}

/** `compression` and `compression-level`: the level's range follows the compression. */
function readCompression(): BuildPushInputs['compression'] {
  const compression = readEnum(INPUT.compression, COMPRESSIONS, 'gzip');
  if (compression === 'zstd' && !zstdAvailable())
    throw new ValidationError(
      INPUT.compression,
      'zstd',
      'gzip on this Node.js',
      `Node.js ${process.versions.node} has no zstd (the actions' Node 24 has)`,
    );
  const { min, max, fallback } = LEVELS[compression];
  const raw = readString(INPUT.compressionLevel);
  const level = raw === '' ? fallback : Number(raw);
  if (!/^\d+$/.test(raw || '0') || level < min || level > max)
    throw new ValidationError(
      INPUT.compressionLevel,
      raw,
      `a whole number from ${min} to ${max} for ${compression} (default ${fallback})`,
    );
  return {
    compression,
    level,
    given: readString(INPUT.compression) !== '' || raw !== '',
  };
}

export const TAG_ACCEPTED =
  'tags (1-128 of [A-Za-z0-9_.-], not starting with . or -) or full references registry/repository:tag';

function keyValues(input: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readList(input, { newlineOnly: true })) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ValidationError(input, line, 'KEY=value, one per line');
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

/**
 * `secrets` (id=value, one per line, as docker/build-push-action takes them) and `secret-envs`
 * (id=ENV_NAME): every value masked the moment it is read.
 */
function readSecrets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readList(INPUT.secrets, { newlineOnly: true })) {
    const eq = line.indexOf('=');
    // the line may be nothing but a secret: it is not repeated in the error
    if (eq <= 0) throw new ValidationError(INPUT.secrets, '(hidden)', 'id=value, one per line');
    const value = line.slice(eq + 1);
    core.setSecret(value);
    out[line.slice(0, eq).trim()] = value;
  }
  for (const [id, name] of Object.entries(keyValues(INPUT.secretEnvs))) {
    const value = process.env[name.trim()];
    if (value === undefined)
      throw new ValidationError(
        INPUT.secretEnvs,
        `${id}=${name}`,
        'id=ENV_NAME of a variable set for this step',
        `${name} is not set`,
      );
    core.setSecret(value);
    out[id] = value;
  }
  return out;
}

const USER_ACCEPTED = 'uid[:gid] (numbers) or a user name[:group] of letters, digits, _ . -';
const USER = /^(?:\d+|[A-Za-z_][A-Za-z0-9_.-]*)(?::(?:\d+|[A-Za-z_][A-Za-z0-9_.-]*))?$/;
const STATIC_PATH_ACCEPTED =
  'an absolute, clean path in the image such as /static (no . or .. parts)';

/** `user` as the image config takes it: uid[:gid] or names. */
function readUser(): string {
  const user = readString(INPUT.user, { fallback: '65532:65532' });
  if (!USER.test(user)) throw new ValidationError(INPUT.user, user, USER_ACCEPTED);
  return user;
}

/** A path in the image: absolute and clean, not / itself. */
const isImagePath = (path: string) =>
  path.startsWith('/') && path !== '/' && posix.normalize(path) === path && !path.endsWith('/');

/** A path in the image from an input ('' when not given and no fallback). */
function readImagePath(input: string, fallback: string, accepted: string): string {
  const path = readString(input, { fallback });
  if (path && !isImagePath(path)) throw new ValidationError(input, path, accepted);
  return path;
}

/** `static-path`: where the static files go in the image — absolute and clean. */
function readStaticPath(): string {
  return readImagePath(INPUT.staticPath, '/static', STATIC_PATH_ACCEPTED);
}

const EXPOSE_ACCEPTED = 'ports as EXPOSE takes them: 8080, 8080/tcp or 53/udp (1–65535)';

/** `expose`: each port as the config's ExposedPorts key, `<port>/<tcp|udp>`. */
function readExpose(): string[] {
  return readList(INPUT.expose).map((p) => {
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(p);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535)
      throw new ValidationError(INPUT.expose, p, EXPOSE_ACCEPTED);
    return `${Number(m[1])}/${(m[2] ?? 'tcp').toLowerCase()}`;
  });
}

/**
 * `main`: a package of the module in context. Given as a path (., ./cmd/server, ../x) it must stay
 * in the workspace, links followed; an import path is left to go list. More lines are more
 * programs for the same image, each `package` or `package=/path/in/image`.
 */
function readMains(context: string): {
  main: string;
  companions: { main: string; path?: string }[];
} {
  const lines = readList(INPUT.main, { newlineOnly: true });
  const programs = (lines.length ? lines : ['.']).map((line, i) => {
    const eq = line.indexOf('=');
    const main = (eq < 0 ? line : line.slice(0, eq)).trim();
    const path = eq < 0 ? '' : line.slice(eq + 1).trim();
    if (i === 0 && path)
      throw new ValidationError(
        INPUT.main,
        line,
        MAIN_ACCEPTED,
        `the first program's path is the ${INPUT.binary} input`,
      );
    if (path && !isImagePath(path))
      throw new ValidationError(
        INPUT.main,
        line,
        'package=/an/absolute/clean/path for each program after the first',
      );
    if (main.startsWith('.') || isAbsolute(main))
      resolveInside(INPUT.main, main, { from: context, kind: 'dir', accepted: MAIN_ACCEPTED });
    return { main, ...(path ? { path } : {}) };
  });
  const [first, ...companions] = programs as [
    { main: string },
    ...{ main: string; path?: string }[],
  ];
  return { main: first.main, companions };
}

export function readInputs(): BuildPushInputs {
  const context = readPath(INPUT.context, {
    fallback: '.',
    kind: 'dir',
    accepted: 'a directory in the workspace',
  });
  const platforms = readPlatforms(INPUT.platforms);
  const images = readImageNames(INPUT.images);
  const { tagRules, tags } = readTagLines(INPUT.tags, TAG_ACCEPTED);
  // bare tags name the image in a registry (with images) or in an OCI layout (without a push)
  if (
    (tagRules.length || tags.some((t) => !t.includes('/'))) &&
    images.length === 0 &&
    readString(INPUT.push) === 'true'
  ) {
    throw new ValidationError(
      INPUT.tags,
      tags.join(','),
      TAG_ACCEPTED,
      `bare tags need ${INPUT.images} to name the image`,
    );
  }
  const credentials = readCredentials(INPUT.username, INPUT.password);
  const pushRaw = readString(INPUT.push);
  return {
    builder: readEnum(INPUT.builder, BUILDERS, 'auto'),
    compression: readCompression(),
    sbom: readSbomFormat(INPUT.sbom),
    provenance: readProvenance(),
    attestations: readEnum(INPUT.attestations, ATTESTATION_FORMS, 'referrers'),
    tagRules,
    flavor: parseFlavor(INPUT.flavor, readList(INPUT.flavor, { newlineOnly: true })),
    context,
    platforms,
    images,
    tags,
    labels: keyValues(INPUT.labels),
    annotations: parseAnnotations(
      INPUT.annotations,
      readList(INPUT.annotations, { newlineOnly: true }),
    ),
    push: pushRaw === '' ? undefined : readBoolean(INPUT.push, false),
    pushByDigest: readBoolean(INPUT.pushByDigest, false),
    ociLayout: readPath(INPUT.ociLayout, {
      scope: 'workspace-or-temp',
      accepted: 'a directory in the workspace or RUNNER_TEMP to write the OCI layout to',
    }),
    ...(credentials ? { credentials } : {}),
    insecureRegistries: readList(INPUT.insecureRegistries),
    retryBudgetMs: readRetryBudget(INPUT.retryBudget),
    ...readMains(context),
    base: readString(INPUT.base, { fallback: 'static' }),
    ldflags: readList(INPUT.ldflags, { newlineOnly: true }),
    env: keyValues(INPUT.env),
    user: readUser(),
    staticDir: readPath(INPUT.staticDir, { kind: 'dir', accepted: 'a directory in the workspace' }),
    staticPath: readStaticPath(),
    binary: readImagePath(INPUT.binary, '', 'an absolute, clean path such as /usr/bin/app'),
    expose: readExpose(),
    workdir: readImagePath(INPUT.workdir, '', 'an absolute, clean path such as /app'),
    cmd: readList(INPUT.cmd, { newlineOnly: true }),
    file: readPath(INPUT.file, { kind: 'file', accepted: 'a Dockerfile in the workspace' }),
    buildArgs: keyValues(INPUT.buildArgs),
    target: readString(INPUT.target),
    secrets: readSecrets(),
    cacheFrom: readCacheSpecs(INPUT.cacheFrom, 'src'),
    cacheTo: readCacheSpecs(INPUT.cacheTo, 'dest'),
    packBuilder: readString(INPUT.packBuilder),
    trustBuilder: readBoolean(INPUT.trustBuilder, false),
  };
}

export function dockerfileIn(context: string): boolean {
  return existsSync(join(context, 'Dockerfile'));
}

/** Where the image goes: registry repositories with their tags, or an OCI layout. */
export interface Destinations {
  /** Each repository with the tags publish moves there (none when pushed by digest). */
  registries: { ref: Reference; tags: string[] }[];
  /** With push-by-digest: the tags merge will move (the metadata output names them). */
  intended: string[];
  /** The OCI layout written ('' for none), and the names it lists the image under. */
  layoutDir: string;
  layoutTags: string[];
}

/** The builder that runs: `auto` chosen by what the context holds. */
export function builderOf(inputs: BuildPushInputs): 'go' | 'buildkit' | 'pack' {
  if (inputs.builder !== 'auto') return inputs.builder;
  if (dockerfileIn(inputs.context)) return 'buildkit';
  if (existsSync(join(inputs.context, 'go.mod'))) return 'go';
  throw new ValidationError(
    INPUT.context,
    inputs.context,
    'a Go module (go.mod) or a directory with a Dockerfile',
    'builder: auto found neither',
  );
}

/** Where the image goes, checked against the builder before anything is built. */
export function destinationsOf(
  inputs: BuildPushInputs,
  builder: 'go' | 'buildkit' | 'pack',
  tags: readonly string[],
  runnerTemp: string,
): Destinations {
  const targets = [
    ...targetsOf(
      INPUT.tags,
      TAG_ACCEPTED,
      inputs.images,
      inputs.images.length ? tags : inputs.tags,
    ).values(),
  ];
  const push = inputs.push ?? targets.length > 0;
  const fail = (input: string, given: string, accepted: string, why: string) => {
    throw new ValidationError(input, given, accepted, why);
  };
  const intended: string[] = [];
  if (inputs.pushByDigest) {
    if (targets.length === 0 || !push)
      fail(
        INPUT.pushByDigest,
        'true',
        'true with images to push to (and push not false)',
        'there is nowhere to push',
      );
    if (builder === 'pack')
      fail(
        INPUT.pushByDigest,
        'true',
        'false with builder: pack',
        'pack publishes each platform under a tag',
      );
    // pushed by digest, tagged by the merge step once every runner's platform is there
    for (const t of targets) {
      intended.push(...t.tags.map((tag) => `${referenceName(t.ref)}:${tag}`));
      t.tags = [];
    }
  }
  if (push && targets.length === 0)
    fail(
      INPUT.images,
      '',
      'image names (or full references in tags) to push to',
      'push: true needs somewhere to push',
    );
  if (builder !== 'go' && push && inputs.ociLayout)
    fail(
      INPUT.ociLayout,
      inputs.ociLayout,
      `empty with builder: ${builder} and push: true`,
      'this builder writes a registry or an OCI layout, not both',
    );
  if (builder === 'pack') {
    if (!push)
      fail(
        INPUT.push,
        'false',
        'push: true with images or full-reference tags',
        'builder: pack publishes to a registry; it writes no OCI layout',
      );
    for (const t of targets.slice(1))
      fail(
        INPUT.images,
        referenceName(t.ref),
        'one image repository with builder: pack (the merge action copies an index to others)',
        'pack publishes to one',
      );
  }
  const registries = push ? targets : [];
  return {
    registries,
    intended,
    layoutDir: inputs.ociLayout || (push ? '' : join(runnerTemp, 'gantry', 'oci-layout')),
    layoutTags: tags.filter((t) => !t.includes('/')),
  };
}

/** The inputs each builder cannot take, refused before anything is built. */
export async function checkBuilderInputs(
  inputs: BuildPushInputs,
  builder: 'go' | 'buildkit' | 'pack',
): Promise<void> {
  if (builder !== 'go') {
    const given = (
      [
        [INPUT.binary, inputs.binary],
        [INPUT.expose, inputs.expose.join(',')],
        [INPUT.workdir, inputs.workdir],
        [INPUT.cmd, inputs.cmd.join(' ')],
      ] as const
    ).find(([, v]) => v);
    if (given)
      throw new ValidationError(
        given[0],
        given[1],
        `empty with builder: ${builder}`,
        'the go builder takes it; a Dockerfile or buildpack sets its own',
      );
  }
  if (builder === 'buildkit') {
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
  }
  if (builder === 'pack') {
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
  }
}
