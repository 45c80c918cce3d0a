import { normaliseSha256, parseMirror } from '../runtime/download.js';
import { readBoolean, readSecret, readString } from '../runtime/inputs.js';
import { DEFAULT_MIRROR, type InstallOptions } from './installer.js';
import { parseVersion, type ToolSpec } from './spec.js';

/** The installer inputs every setup-* action shares, by their names in action.yml. */
export const INSTALL_INPUT = {
  version: 'version',
  mirror: 'mirror',
  checksum: 'checksum',
  allowUnverified: 'allow-unverified',
  token: 'token',
} as const;

/**
 * Reads version, mirror, checksum, allow-unverified and token into installer options, each
 * checked. `version` may come from elsewhere (a version file), named by `versionInput`.
 */
export function readInstallOptions(
  spec: ToolSpec,
  version = readString(INSTALL_INPUT.version),
  versionInput: string = INSTALL_INPUT.version,
): InstallOptions {
  const checksum = readString(INSTALL_INPUT.checksum);
  const token = readSecret(INSTALL_INPUT.token);
  return {
    version: parseVersion(spec, versionInput, version),
    mirror: parseMirror(
      INSTALL_INPUT.mirror,
      readString(INSTALL_INPUT.mirror, { fallback: DEFAULT_MIRROR }),
    ),
    ...(checksum ? { checksum: normaliseSha256(INSTALL_INPUT.checksum, checksum) } : {}),
    allowUnverified: readBoolean(INSTALL_INPUT.allowUnverified, false),
    ...(token ? { token } : {}),
    ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}),
    inputs: {
      version: versionInput,
      checksum: INSTALL_INPUT.checksum,
      allowUnverified: INSTALL_INPUT.allowUnverified,
    },
  };
}
