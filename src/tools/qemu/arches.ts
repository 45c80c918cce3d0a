import { ValidationError } from '../../runtime/errors.js';

/** A QEMU user-mode target: what binfmt_misc needs to hand its ELF binaries to the emulator. */
export interface QemuArch {
  /** QEMU's name: the emulator is qemu-<qemu>, the binfmt entry qemu-<qemu>. */
  qemu: string;
  /** OCI platforms this emulator runs, most specific first. */
  platforms: string[];
  /** Other names users write in `platforms`. */
  aliases: string[];
  /** The ELF header bytes and mask, as binfmt_misc's \x escapes (QEMU's qemu-binfmt-conf.sh). */
  magic: string;
  mask: string;
}

const ELF64LE =
  '\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00';
const ELF64BE =
  '\\x7f\\x45\\x4c\\x46\\x02\\x02\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02';
const ELF32LE =
  '\\x7f\\x45\\x4c\\x46\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00';
const MASK_LE =
  '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';
const MASK_X86 =
  '\\xff\\xff\\xff\\xff\\xff\\xfe\\xfe\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';

/** In the order `platforms: all` registers them and the output lists them. */
export const QEMU_ARCHES: readonly QemuArch[] = [
  {
    qemu: 'x86_64',
    platforms: ['linux/amd64'],
    aliases: ['amd64', 'x86_64', 'x86-64'],
    magic: `${ELF64LE}\\x3e\\x00`,
    mask: MASK_X86,
  },
  {
    qemu: 'aarch64',
    platforms: ['linux/arm64'],
    aliases: ['arm64', 'aarch64', 'arm64/v8'],
    magic: `${ELF64LE}\\xb7\\x00`,
    mask: MASK_LE,
  },
  {
    qemu: 'riscv64',
    platforms: ['linux/riscv64'],
    aliases: ['riscv64'],
    magic: `${ELF64LE}\\xf3\\x00`,
    mask: MASK_LE,
  },
  {
    qemu: 'ppc64le',
    platforms: ['linux/ppc64le'],
    aliases: ['ppc64le', 'ppc64el'],
    magic: `${ELF64LE}\\x15\\x00`,
    mask: '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfc\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\x00',
  },
  {
    qemu: 's390x',
    platforms: ['linux/s390x'],
    aliases: ['s390x'],
    magic: `${ELF64BE}\\x00\\x16`,
    mask: '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfc\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff',
  },
  {
    qemu: 'i386',
    platforms: ['linux/386'],
    aliases: ['386', 'i386', 'x86'],
    magic: `${ELF32LE}\\x03\\x00`,
    mask: MASK_X86,
  },
  {
    qemu: 'arm',
    platforms: ['linux/arm/v7', 'linux/arm/v6'],
    aliases: ['arm', 'arm/v7', 'arm/v6', 'armhf', 'armel', 'armv7', 'armv6'],
    magic: `${ELF32LE}\\x28\\x00`,
    mask: MASK_LE,
  },
  {
    qemu: 'mips64el',
    platforms: ['linux/mips64le'],
    aliases: ['mips64le', 'mips64el'],
    magic: `${ELF64LE}\\x08\\x00`,
    mask: '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xfe\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff',
  },
  {
    qemu: 'mips64',
    platforms: ['linux/mips64'],
    aliases: ['mips64'],
    magic: `${ELF64BE}\\x00\\x08`,
    mask: '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xfe\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff',
  },
  {
    qemu: 'loongarch64',
    platforms: ['linux/loong64'],
    aliases: ['loong64', 'loongarch64'],
    magic: `${ELF64LE}\\x02\\x01`,
    mask: '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfc\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff',
  },
];

/** The QEMU arch of the machine we run on, from Node's process.arch. */
export function hostQemuArch(nodeArch: string = process.arch): string | undefined {
  const map: Record<string, string> = {
    x64: 'x86_64',
    arm64: 'aarch64',
    arm: 'arm',
    ia32: 'i386',
    riscv64: 'riscv64',
    ppc64: 'ppc64le',
    s390x: 's390x',
    loong64: 'loongarch64',
    mips64el: 'mips64el',
  };
  return map[nodeArch];
}

/** Platforms the host runs natively. */
export function nativePlatforms(host: string | undefined): string[] {
  if (host === 'x86_64') return ['linux/amd64', 'linux/386'];
  return QEMU_ARCHES.find((a) => a.qemu === host)?.platforms ?? [];
}

function accepted(): string {
  return `all, or a list of ${QEMU_ARCHES.map((a) => a.aliases[0]).join(', ')} (also as linux/<arch>)`;
}

function lookup(name: string): QemuArch | undefined {
  const bare = name.toLowerCase().replace(/^linux\//, '');
  return QEMU_ARCHES.find((a) => a.aliases.includes(bare) || a.platforms.includes(`linux/${bare}`));
}

/**
 * The emulators to register for `platforms` on this host, in table order, without the host's
 * own arch (it runs natively). `all` means every emulator but the host's.
 */
export function resolveArches(input: string, items: readonly string[], host?: string): QemuArch[] {
  if (items.length === 0) throw new ValidationError(input, '', accepted(), 'no platform given');
  const wanted = new Set<string>();
  for (const item of items) {
    if (item.toLowerCase() === 'all') {
      QEMU_ARCHES.forEach((a) => wanted.add(a.qemu));
      continue;
    }
    if (
      item.includes('/') &&
      !item.toLowerCase().startsWith('linux/') &&
      !/^arm(64)?\/v\d$/i.test(item)
    ) {
      throw new ValidationError(input, item, accepted(), 'only linux/ platforms can be emulated');
    }
    const arch = lookup(item);
    if (!arch) throw new ValidationError(input, item, accepted(), 'unknown platform');
    wanted.add(arch.qemu);
  }
  return QEMU_ARCHES.filter(
    (a) => wanted.has(a.qemu) && !nativePlatforms(host).some((p) => a.platforms.includes(p)),
  );
}
