import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../../runtime/exec.js';
import { asRoot, writeAsRoot } from '../../runtime/privilege.js';
import type { QemuArch } from './arches.js';

export const BINFMT_MISC = '/proc/sys/fs/binfmt_misc';

/** A binfmt_misc entry as the kernel shows it in /proc/sys/fs/binfmt_misc/<name>. */
export interface BinfmtEntry {
  name: string;
  enabled: boolean;
  interpreter: string;
  flags: string;
}

/** The seam to the kernel's binfmt_misc; unit tests fake it, integration tests use the real one. */
export interface Binfmt {
  ensureMounted(): Promise<void>;
  read(name: string): Promise<BinfmtEntry | undefined>;
  register(line: string): Promise<void>;
  remove(name: string): Promise<void>;
}

/** The entry name gantry (and tonistiigi/binfmt, and Debian) use for an emulator. */
export function entryName(arch: QemuArch): string {
  return `qemu-${arch.qemu}`;
}

/** The line written to binfmt_misc/register: `:name:M:offset:magic:mask:interpreter:flags`. */
export function registrationLine(arch: QemuArch, interpreter: string, flags: string): string {
  if (interpreter.includes(':'))
    throw new Error(`interpreter path may not contain ":": ${interpreter}`);
  return `:${entryName(arch)}:M:0:${arch.magic}:${arch.mask}:${interpreter}:${flags}`;
}

/** Parses the kernel's text for one entry (`enabled`, `interpreter …`, `flags: F`, `offset …`). */
export function parseEntry(name: string, text: string): BinfmtEntry {
  const lines = text.split('\n').map((l) => l.trim());
  const value = (prefix: string) =>
    lines
      .find((l) => l.startsWith(prefix))
      ?.slice(prefix.length)
      .trim() ?? '';
  return {
    name,
    enabled: lines[0] === 'enabled',
    interpreter: value('interpreter '),
    flags: value('flags:'),
  };
}

/** binfmt_misc through /proc, as root or through sudo. */
export class KernelBinfmt implements Binfmt {
  constructor(
    private readonly exec: Exec,
    private readonly root = BINFMT_MISC,
  ) {}

  async ensureMounted(): Promise<void> {
    try {
      await access(join(this.root, 'register'));
      return;
    } catch {
      const [file, args] = asRoot(['mount', '-t', 'binfmt_misc', 'binfmt_misc', this.root]);
      await this.exec(file, args);
    }
  }

  async read(name: string): Promise<BinfmtEntry | undefined> {
    try {
      return parseEntry(name, await readFile(join(this.root, name), 'utf8'));
    } catch {
      return undefined;
    }
  }

  async register(line: string): Promise<void> {
    await writeAsRoot(this.exec, join(this.root, 'register'), line);
  }

  async remove(name: string): Promise<void> {
    await writeAsRoot(this.exec, join(this.root, name), '-1');
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.root);
    return names.filter((n) => n !== 'register' && n !== 'status');
  }
}
