import * as core from '../../runtime/core.js';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isDigest } from '../../oci/digest.js';
import type { Credentials } from '../../oci/registry/auth.js';
import { readCredentials, referenceInput } from '../../publish/inputs.js';
import { ValidationError } from '../../runtime/errors.js';
import {
  readBoolean,
  readEnum,
  readList,
  readPath,
  readSecret,
  readString,
} from '../../runtime/inputs.js';
import { resolveInside } from '../../runtime/workspace.js';
import { runnerTemp } from '../../runtime/temp.js';
import { SEVERITY_NAMES } from '../../tools/scan/finding.js';

/** Input and output names, as in actions/scan/action.yml. */
export const INPUT = {
  dockerfile: 'dockerfile',
  image: 'image',
  sbom: 'sbom',
  attestations: 'attestations',
  fs: 'fs',
  severity: 'severity',
  failOn: 'fail-on',
  hadolintVersion: 'hadolint-version',
  trivyVersion: 'trivy-version',
  username: 'username',
  password: 'password',
  sarif: 'sarif',
  checks: 'checks',
  token: 'token',
  dbRepository: 'db-repository',
  dbCache: 'db-cache',
  trivyignore: 'trivyignore',
} as const;

export const OUTPUT = { findings: 'findings', failed: 'failed', sarif: 'sarif' } as const;

export interface ScanInputs {
  workspace: string;
  /** Workspace-relative Dockerfile paths the globs matched. */
  dockerfiles: string[];
  image: string;
  /** With `image: oci:<dir>`: the layout directory, resolved inside the workspace or RUNNER_TEMP. */
  imageLayout: string;
  /** Scan each platform's SBOM (trivy sbom) instead of its layers, where build-push reported one. */
  sbom: boolean;
  /** The SBOM artifacts build-push reported (its attestations output): the only ones trusted. */
  reportedSboms: string[];
  fs: string[];
  severity: string;
  failOn: string;
  hadolintVersion: string;
  trivyVersion: string;
  credentials?: Credentials;
  sarif: string;
  checks: 'auto' | 'never';
  token: string;
  dbRepositories: string[];
  dbCache: 'github' | 'off';
  trivyignore: string;
}

const SEVERITIES = SEVERITY_NAMES.join(' | ');

/** What the root action lints by default: every Dockerfile, where there is one. */
export const DEFAULT_DOCKERFILE_GLOB = '**/Dockerfile';

const DOCKERFILE_ACCEPTED =
  'paths or glob patterns (e.g. Dockerfile, **/Dockerfile*) of files in the workspace';
export const IMAGE_ACCEPTED =
  'an image reference (registry/repository:tag or @digest) or oci:<OCI layout directory in the workspace or RUNNER_TEMP>';

/** `oci:<dir>`, `oci:<dir>:<tag>` or `oci:<dir>@<digest>` (as skopeo writes them): the directory. */
export function layoutDirOf(value: string): string {
  const rest = value.slice('oci:'.length);
  const at = rest.indexOf('@sha256:');
  if (at >= 0) return rest.slice(0, at);
  const slash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', slash + 1);
  return colon > 0 ? rest.slice(0, colon) : rest;
}

/** `image`: checked before any tool is installed; an OCI layout's directory resolved. */
const ATTESTATIONS_ACCEPTED =
  'build-push\'s attestations output: JSON such as {"linux/amd64":{"sbom":"sha256:…","provenance":"sha256:…"}}';

/** The SBOM digests of build-push's attestations output; none when it is not given. */
function readReportedSboms(): string[] {
  const raw = readString(INPUT.attestations);
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ValidationError(INPUT.attestations, raw, ATTESTATIONS_ACCEPTED, 'not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ValidationError(INPUT.attestations, raw, ATTESTATIONS_ACCEPTED, 'not an object');
  const digests: string[] = [];
  for (const value of Object.values(parsed as Record<string, unknown>)) {
    const sbom = (value as { sbom?: unknown } | null)?.sbom;
    if (sbom === undefined) continue;
    if (typeof sbom !== 'string' || !isDigest(sbom))
      throw new ValidationError(
        INPUT.attestations,
        raw,
        ATTESTATIONS_ACCEPTED,
        `${JSON.stringify(sbom)} is not a digest`,
      );
    digests.push(sbom);
  }
  return digests;
}

function readImage(): { image: string; imageLayout: string } {
  const image = readString(INPUT.image);
  if (!image.startsWith('oci:')) {
    if (image) referenceInput(INPUT.image, image, IMAGE_ACCEPTED);
    return { image, imageLayout: '' };
  }
  const dir = resolveInside(INPUT.image, layoutDirOf(image), {
    scope: 'workspace-or-temp',
    kind: 'dir',
    accepted: IMAGE_ACCEPTED,
  });
  if (!existsSync(join(dir, 'index.json')))
    throw new ValidationError(
      INPUT.image,
      image,
      IMAGE_ACCEPTED,
      'no OCI layout (index.json) there',
    );
  return { image, imageLayout: dir };
}

/**
 * The files a pattern matches. A directory, any depth, then a file name — the default Dockerfile
 * glob is one — is a walk that follows no link and skips .git: on a repository with vendored
 * modules @actions/glob takes a fifth of a second for it. Any other pattern goes to @actions/glob.
 */
async function findFiles(pattern: string): Promise<string[]> {
  const m = /^(.*?)\/\*\*\/([^*?[{/]+)$/.exec(pattern);
  if (!m) {
    const glob = await import('@actions/glob');
    return (await glob.create(pattern, { matchDirectories: false })).glob();
  }
  const [, root, name] = m as unknown as [string, string, string];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (e) => {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== '.git') await walk(path);
        } else if (e.name === name && e.isFile()) out.push(path);
      }),
    );
  };
  await walk(root || '/');
  return out;
}

async function expandDockerfiles(workspace: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of readList(INPUT.dockerfile)) {
    // the part before the first wildcard must stay inside before anything is listed
    const parts = pattern.split('/');
    const wild = parts.findIndex((part) => /[*?[{]/.test(part));
    const prefix = (wild < 0 ? parts : parts.slice(0, wild)).join('/');
    try {
      resolveInside(INPUT.dockerfile, prefix || (pattern.startsWith('/') ? '/' : '.'), {
        accepted: DOCKERFILE_ACCEPTED,
      });
    } catch (err) {
      // name the pattern as written, not the part of it that was checked
      if (err instanceof ValidationError)
        throw new ValidationError(INPUT.dockerfile, pattern, DOCKERFILE_ACCEPTED, err.detail);
      throw err;
    }
    const found = await findFiles(isAbsolute(pattern) ? pattern : join(workspace, pattern));
    const matched = found.sort().map((m) =>
      resolveInside(INPUT.dockerfile, relative(workspace, m), {
        kind: 'file',
        accepted: DOCKERFILE_ACCEPTED,
      }),
    );
    if (!matched.length) {
      // the default glob may find none — a go-builder repository has no Dockerfile; a path or
      // glob the user wrote must find something
      if (pattern === DEFAULT_DOCKERFILE_GLOB) {
        core.warning(`${INPUT.dockerfile}: ${pattern} matches no file; no Dockerfile to lint`);
        continue;
      }
      throw new ValidationError(INPUT.dockerfile, pattern, DOCKERFILE_ACCEPTED, 'matches no file');
    }
    for (const m of matched) {
      const rel = m.startsWith(workspace + '/') ? m.slice(workspace.length + 1) : m;
      if (!files.includes(rel)) files.push(rel);
    }
  }
  return files;
}

export async function readInputs(): Promise<ScanInputs> {
  const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd());
  const severity = readString(INPUT.severity, { fallback: 'unknown' }).toLowerCase();
  if (!SEVERITY_NAMES.includes(severity))
    throw new ValidationError(INPUT.severity, severity, SEVERITIES);
  const failOn = readString(INPUT.failOn, { fallback: 'high' }).toLowerCase();
  if (failOn !== 'none' && !SEVERITY_NAMES.includes(failOn))
    throw new ValidationError(INPUT.failOn, failOn, `${SEVERITIES} | none`);
  const credentials = readCredentials(INPUT.username, INPUT.password);
  const inputs: ScanInputs = {
    workspace,
    dockerfiles: await expandDockerfiles(workspace),
    ...readImage(),
    sbom: readBoolean(INPUT.sbom, false),
    reportedSboms: readReportedSboms(),
    fs: readList(INPUT.fs).map((f) =>
      resolveInside(INPUT.fs, f, { accepted: 'directories or files in the workspace to scan' }),
    ),
    severity,
    failOn,
    hadolintVersion: readString(INPUT.hadolintVersion),
    trivyVersion: readString(INPUT.trivyVersion),
    ...(credentials ? { credentials } : {}),
    sarif: readPath(INPUT.sarif, {
      scope: 'workspace-or-temp',
      fallback: join(runnerTemp(), 'gantry', 'scan.sarif'),
      accepted: 'a file path in the workspace or RUNNER_TEMP to write SARIF to',
    }),
    checks: readEnum(INPUT.checks, ['auto', 'never'] as const, 'auto'),
    token: readSecret(INPUT.token),
    dbRepositories: readList(INPUT.dbRepository),
    dbCache: readEnum(INPUT.dbCache, ['github', 'off'] as const, 'github'),
    trivyignore: readPath(INPUT.trivyignore, {
      fallback: '.trivyignore',
      accepted: 'a .trivyignore file in the workspace',
    }),
  };
  if (!inputs.dockerfiles.length && !inputs.image && !inputs.fs.length)
    throw new ValidationError(
      INPUT.dockerfile,
      '',
      'at least one of dockerfile, image or fs',
      'nothing to scan',
    );
  return inputs;
}
