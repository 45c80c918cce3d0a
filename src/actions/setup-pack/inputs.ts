import { readFileSync } from 'node:fs';
import { ValidationError } from '../../runtime/errors.js';
import { readPath, readString } from '../../runtime/inputs.js';
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
const VERSION_FILE_ACCEPTED =
  'a file in the workspace whose first line is a pack version (e.g. 0.38.2)';
const VERSION = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

/** `version`, else the first line of `version-file` (e.g. .pack-version), else the pinned default. */
function versionInput(): string {
  const version = readString(INPUT.version);
  const file = readString(INPUT.versionFile);
  if (version && file)
    throw new ValidationError(INPUT.versionFile, file, 'either version or version-file, not both');
  if (!file) return version;
  const path = readPath(INPUT.versionFile, { kind: 'file', accepted: VERSION_FILE_ACCEPTED });
  let line: string;
  try {
    line = readFileSync(path, 'utf8').split('\n')[0]?.trim() ?? '';
  } catch {
    throw new ValidationError(INPUT.versionFile, file, VERSION_FILE_ACCEPTED, 'not readable');
  }
  // what the file holds is never echoed: only a version shape gets past here
  if (!VERSION.test(line))
    throw new ValidationError(
      INPUT.versionFile,
      file,
      VERSION_FILE_ACCEPTED,
      'its first line is not a version',
    );
  return line;
}

export function readInputs(): SetupPackInputs {
  const from = readString(INPUT.versionFile) ? INPUT.versionFile : INPUT.version;
  return {
    install: readInstallOptions(SPECS.pack, versionInput(), from),
    builder: readString(INPUT.builder),
  };
}
