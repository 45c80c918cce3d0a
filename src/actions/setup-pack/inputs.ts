import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { normaliseSha256, parseMirror } from '../../runtime/download.js';
import { ValidationError } from '../../runtime/errors.js';
import { readBoolean, readSecret, readString } from '../../runtime/inputs.js';
import { DEFAULT_MIRROR } from '../../tools/installer.js';
import { parseVersion, SPECS } from '../../tools/spec.js';

/** Input and output names, as in actions/setup-pack/action.yml. */
export const INPUT = {
  version: 'version',
  versionFile: 'version-file',
  builder: 'builder',
  mirror: 'mirror',
  checksum: 'checksum',
  allowUnverified: 'allow-unverified',
  token: 'token',
} as const;

export const OUTPUT = { version: 'version', path: 'path' } as const;

export interface SetupPackInputs {
  version: string;
  builder: string;
  mirror: string;
  checksum?: string;
  allowUnverified: boolean;
  token: string;
}

/** `version`, else the first line of `version-file` (e.g. .pack-version), else the pinned default. */
function versionInput(): string {
  const version = readString(INPUT.version);
  const file = readString(INPUT.versionFile);
  if (version && file)
    throw new ValidationError(INPUT.versionFile, file, 'either version or version-file, not both');
  if (!file) return version;
  const path = isAbsolute(file)
    ? file
    : resolve(process.env.GITHUB_WORKSPACE || process.cwd(), file);
  try {
    return readFileSync(path, 'utf8').split('\n')[0]?.trim() ?? '';
  } catch {
    throw new ValidationError(
      INPUT.versionFile,
      file,
      'a file in the workspace whose first line is a pack version',
      'not readable',
    );
  }
}

export function readInputs(): SetupPackInputs {
  const checksum = readString(INPUT.checksum);
  const from = readString(INPUT.versionFile) ? INPUT.versionFile : INPUT.version;
  return {
    version: parseVersion(SPECS.pack, from, versionInput()),
    builder: readString(INPUT.builder),
    mirror: parseMirror(INPUT.mirror, readString(INPUT.mirror, { fallback: DEFAULT_MIRROR })),
    ...(checksum ? { checksum: normaliseSha256(INPUT.checksum, checksum) } : {}),
    allowUnverified: readBoolean(INPUT.allowUnverified, false),
    token: readSecret(INPUT.token),
  };
}
