import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ValidationError } from '../../runtime/errors.js';
import { readString } from '../../runtime/inputs.js';
import type { InstallOptions } from '../../tools/installer.js';
import { INSTALL_INPUT, readInstallOptions } from '../../tools/install-inputs.js';
import { SPECS } from '../../tools/spec.js';

/** Input and output names, as in actions/setup-pack/action.yml. */
export const INPUT = { ...INSTALL_INPUT, versionFile: 'version-file', builder: 'builder' } as const;

export const OUTPUT = { version: 'version', path: 'path' } as const;

export interface SetupPackInputs {
  install: InstallOptions;
  builder: string;
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
  const from = readString(INPUT.versionFile) ? INPUT.versionFile : INPUT.version;
  return {
    install: readInstallOptions(SPECS.pack, versionInput(), from),
    builder: readString(INPUT.builder),
  };
}
