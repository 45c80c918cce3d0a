import { parseMirror, normaliseSha256 } from '../../runtime/download.js';
import { readBoolean, readEnum, readListOf, readString } from '../../runtime/inputs.js';
import { hostQemuArch, resolveArches, type QemuArch } from '../../tools/qemu/arches.js';
import { DEFAULT_MIRROR } from '../../tools/installer.js';
import { parseVersion, SPECS } from '../../tools/spec.js';

/** Input and output names, as in actions/setup-qemu/action.yml. */
export const INPUT = {
  platforms: 'platforms',
  qemu: 'qemu',
  version: 'version',
  mirror: 'mirror',
  checksum: 'checksum',
  reset: 'reset',
  preserveArgv0: 'preserve-argv0',
  installPackage: 'install-package',
} as const;

export const OUTPUT = { platforms: 'platforms', source: 'source' } as const;

export const QEMU_SOURCES = ['auto', 'system', 'release'] as const;
export type QemuSource = (typeof QEMU_SOURCES)[number];

export interface SetupQemuInputs {
  host: string | undefined;
  arches: QemuArch[];
  source: QemuSource;
  /** The tonistiigi/binfmt release tag. */
  release: string;
  mirror: string;
  checksum?: string;
  reset: boolean;
  preserveArgv0: boolean;
  installPackage: boolean;
}

/** Every input read and checked before anything is installed or registered. */
export function readInputs(): SetupQemuInputs {
  const host = hostQemuArch();
  const list = readListOf(INPUT.platforms, 'platforms such as arm64, linux/riscv64 or all');
  const checksum = readString(INPUT.checksum);
  return {
    host,
    arches: resolveArches(INPUT.platforms, list.length ? list : ['all'], host),
    source: readEnum(INPUT.qemu, QEMU_SOURCES, 'auto'),
    release: parseVersion(SPECS['binfmt-qemu'], INPUT.version, readString(INPUT.version)),
    mirror: parseMirror(INPUT.mirror, readString(INPUT.mirror, { fallback: DEFAULT_MIRROR })),
    ...(checksum ? { checksum: normaliseSha256(INPUT.checksum, checksum) } : {}),
    reset: readBoolean(INPUT.reset, false),
    preserveArgv0: readBoolean(INPUT.preserveArgv0, false),
    installPackage: readBoolean(INPUT.installPackage, false),
  };
}
