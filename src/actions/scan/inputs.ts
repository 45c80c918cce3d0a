import { isAbsolute, join, resolve } from 'node:path';
import * as glob from '@actions/glob';
import type { Credentials } from '../../oci/registry/auth.js';
import { readCredentials } from '../../publish/inputs.js';
import { ValidationError } from '../../runtime/errors.js';
import { readEnum, readList, readSecret, readString } from '../../runtime/inputs.js';
import { runnerTemp } from '../../runtime/temp.js';
import { SEVERITY_NAMES } from '../../tools/scan/finding.js';

/** Input and output names, as in actions/scan/action.yml. */
export const INPUT = {
  dockerfile: 'dockerfile',
  image: 'image',
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

async function expandDockerfiles(workspace: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of readList(INPUT.dockerfile)) {
    const globber = await glob.create(isAbsolute(pattern) ? pattern : join(workspace, pattern), {
      matchDirectories: false,
    });
    const matched = (await globber.glob()).sort();
    if (!matched.length)
      throw new ValidationError(
        INPUT.dockerfile,
        pattern,
        'paths or glob patterns (e.g. Dockerfile, **/Dockerfile*) of files in the workspace',
        'matches no file',
      );
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
    image: readString(INPUT.image),
    fs: readList(INPUT.fs),
    severity,
    failOn,
    hadolintVersion: readString(INPUT.hadolintVersion),
    trivyVersion: readString(INPUT.trivyVersion),
    ...(credentials ? { credentials } : {}),
    sarif: resolve(
      workspace,
      readString(INPUT.sarif, { fallback: join(runnerTemp(), 'gantry', 'scan.sarif') }),
    ),
    checks: readEnum(INPUT.checks, ['auto', 'never'] as const, 'auto'),
    token: readSecret(INPUT.token),
    dbRepositories: readList(INPUT.dbRepository),
    dbCache: readEnum(INPUT.dbCache, ['github', 'off'] as const, 'github'),
    trivyignore: readString(INPUT.trivyignore, { fallback: '.trivyignore' }),
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
