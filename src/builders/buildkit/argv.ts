import { ValidationError } from '../../runtime/errors.js';

/** A cache import/export entry: `type=…` first, then its attributes. */
export type CacheSpec = { type: string } & Record<string, string>;

export type BuildctlOutput =
  | { kind: 'registry'; names: string[]; pushByDigest?: boolean }
  | { kind: 'oci-layout'; dest: string };

/** Everything `buildctl build` is given, typed: the argv is a pure function of it. */
export interface BuildctlRequest {
  context: string;
  /** The directory holding the Dockerfile, and its file name there. */
  dockerfileDir: string;
  filename: string;
  platforms: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  /** Secrets as files (0600, written by the caller): buildctl takes `id=…,src=…`. */
  secrets: { id: string; src: string }[];
  cacheFrom: CacheSpec[];
  cacheTo: CacheSpec[];
  output: BuildctlOutput;
  metadataFile: string;
  /** A source policy pinning each base name to the digest gantry resolved. */
  sourcePolicyFile?: string;
  /** Annotations of each platform's image (by platform), and of the index. */
  annotations?: OutputAnnotations;
  /** BuildKit's own attestations, asked for: its SBOM generator (SPDX), SLSA provenance. */
  attest?: { sbom: boolean; provenance: false | 'min' | 'max' };
  /** The exporter's layer compression, when asked for (else BuildKit's default, gzip). */
  compression?: { type: string; level: number };
}

export interface OutputAnnotations {
  manifests?: Record<string, Record<string, string>>;
  /** Written by BuildKit only when it makes an index (more than one platform). */
  index?: Record<string, string>;
}

/** One CSV field as Go's encoding/csv reads it: quoted when it holds a comma or a quote. */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

function cacheCsv(spec: CacheSpec): string {
  const { type, ...attrs } = spec;
  return csv([`type=${type}`, ...Object.entries(attrs).map(([k, v]) => `${k}=${v}`)]);
}

/**
 * Annotation fields of the image exporter: per platform as `annotation[<platform>].k=v` — or,
 * with one platform, where BuildKit writes a bare manifest and the platform form is ignored,
 * `annotation.k=v` — and `annotation-index.k=v` when there is an index.
 */
function annotationFields(platforms: readonly string[], a: OutputAnnotations = {}): string[] {
  const fields: string[] = [];
  for (const [platform, kv] of Object.entries(a.manifests ?? {})) {
    const prefix = platforms.length === 1 ? 'annotation' : `annotation[${platform}]`;
    fields.push(...Object.entries(kv).map(([k, v]) => `${prefix}.${k}=${v}`));
  }
  if (platforms.length > 1)
    fields.push(...Object.entries(a.index ?? {}).map(([k, v]) => `annotation-index.${k}=${v}`));
  return fields;
}

/**
 * `--output` for a registry push (by tag names, or by digest for a matrix merge) or an OCI layout
 * directory; file times rewritten to SOURCE_DATE_EPOCH, so one commit builds one digest.
 */
export function outputCsv(
  o: BuildctlOutput,
  platforms: readonly string[] = [],
  annotations?: OutputAnnotations,
  compression?: BuildctlRequest['compression'],
): string {
  const common = [
    'rewrite-timestamp=true',
    ...(compression
      ? [`compression=${compression.type}`, `compression-level=${compression.level}`]
      : []),
    ...annotationFields(platforms, annotations),
  ];
  if (o.kind === 'oci-layout')
    return csv(['type=oci', `dest=${o.dest}`, 'tar=false', 'oci-mediatypes=true', ...common]);
  return csv([
    'type=image',
    `name=${o.names.join(',')}`,
    'push=true',
    ...(o.pushByDigest ? ['push-by-digest=true', 'name-canonical=true'] : []),
    'oci-mediatypes=true',
    ...common,
  ]);
}

/**
 * argv of `buildctl build` with the dockerfile.v0 frontend (global flags such as --addr go before it).
 * A gha cache token is an argument (buildctl does not read it from the environment): run it with
 * the Exec seam's `redact` and core.setSecret so it never reaches a log.
 */
export function buildctlBuildArgs(r: BuildctlRequest): string[] {
  const opt = (v: string) => ['--opt', v];
  return [
    'build',
    '--progress',
    'plain',
    '--frontend',
    'dockerfile.v0',
    '--local',
    `context=${r.context}`,
    '--local',
    `dockerfile=${r.dockerfileDir}`,
    ...opt(`filename=${r.filename}`),
    ...opt(`platform=${r.platforms.join(',')}`),
    ...(r.target ? opt(`target=${r.target}`) : []),
    ...Object.entries(r.buildArgs).flatMap(([k, v]) => opt(`build-arg:${k}=${v}`)),
    ...Object.entries(r.labels).flatMap(([k, v]) => opt(`label:${k}=${v}`)),
    ...r.secrets.flatMap((s) => ['--secret', csv([`id=${s.id}`, `src=${s.src}`])]),
    ...r.cacheFrom.flatMap((c) => ['--import-cache', cacheCsv(c)]),
    ...r.cacheTo.flatMap((c) => ['--export-cache', cacheCsv(c)]),
    ...(r.sourcePolicyFile ? ['--source-policy-file', r.sourcePolicyFile] : []),
    ...(r.attest?.sbom ? opt('attest:sbom=') : []),
    // min names what was built from what; max also publishes every build-arg value
    ...(r.attest?.provenance ? opt(`attest:provenance=mode=${r.attest.provenance}`) : []),
    '--output',
    outputCsv(r.output, r.platforms, r.annotations, r.compression),
    '--metadata-file',
    r.metadataFile,
  ];
}

const CACHE_TYPES = ['registry', 'local', 'gha', 'inline'] as const;

/**
 * A cache-from / cache-to line as docker/build-push-action users write it: `type=…,k=v`, or a
 * bare reference meaning a registry cache. `gha` gets the runner's cache URL and token.
 */
export function parseCacheSpec(
  input: string,
  line: string,
  env: NodeJS.ProcessEnv = process.env,
): CacheSpec {
  if (!line.includes('=')) return { type: 'registry', ref: line };
  const spec: Record<string, string> = {};
  for (const field of line.split(',')) {
    const eq = field.indexOf('=');
    if (eq <= 0)
      throw new ValidationError(
        input,
        line,
        'type=registry|local|gha,key=value,… or an image reference',
        `field "${field}" is not key=value`,
      );
    spec[field.slice(0, eq).trim()] = field.slice(eq + 1).trim();
  }
  const type = spec.type;
  if (!type || !(CACHE_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(
      input,
      line,
      `type=${CACHE_TYPES.join('|')} with its attributes`,
      'unknown or missing type',
    );
  }
  if (type === 'gha') {
    if (!spec.url && env.ACTIONS_CACHE_URL) spec.url = env.ACTIONS_CACHE_URL;
    if (!spec.url_v2 && env.ACTIONS_RESULTS_URL) spec.url_v2 = env.ACTIONS_RESULTS_URL;
    if (!spec.token && env.ACTIONS_RUNTIME_TOKEN) spec.token = env.ACTIONS_RUNTIME_TOKEN;
    if (!spec.token)
      throw new ValidationError(
        input,
        line,
        'type=gha inside GitHub Actions (ACTIONS_RUNTIME_TOKEN)',
        'no runtime token in this environment',
      );
    spec.scope ??= 'buildkit';
  }
  return { ...spec, type } as CacheSpec;
}
