import { pathExists } from '../../runtime/fs.js';
import { UserError } from '../../runtime/errors.js';
import { nativePlatforms, QEMU_ARCHES, type QemuArch } from './arches.js';
import { entryName, registrationLine, type Binfmt, type BinfmtEntry } from './binfmt.js';

/**
 * An entry that works: enabled, and its interpreter either pinned by the kernel (F flag) or
 * still on disk.
 */
export async function isHealthy(entry: BinfmtEntry | undefined): Promise<boolean> {
  if (!entry?.enabled) return false;
  return entry.flags.includes('F') || pathExists(entry.interpreter);
}

/** The arches whose entries must be (re)written: all with reset, else the missing or broken. */
export async function archesToRegister(
  binfmt: Binfmt,
  arches: readonly QemuArch[],
  reset: boolean,
): Promise<QemuArch[]> {
  const todo: QemuArch[] = [];
  for (const arch of arches) {
    if (reset || !(await isHealthy(await binfmt.read(entryName(arch))))) todo.push(arch);
  }
  return todo;
}

/**
 * Writes `:qemu-<arch>:M:0:<magic>:<mask>:<interpreter>:F[P]` for each arch, removing a stale
 * entry of the same name first, and reads each back to check the kernel took it with F.
 */
export async function registerArches(
  binfmt: Binfmt,
  arches: readonly QemuArch[],
  interpreters: ReadonlyMap<string, string>,
  preserveArgv0: boolean,
): Promise<void> {
  const flags = preserveArgv0 ? 'PF' : 'F';
  for (const arch of arches) {
    const interpreter = interpreters.get(arch.qemu);
    if (!interpreter) throw new UserError(`No emulator for ${arch.qemu}`);
    const name = entryName(arch);
    if (await binfmt.read(name)) await binfmt.remove(name);
    await binfmt.register(registrationLine(arch, interpreter, flags));
    const entry = await binfmt.read(name);
    if (!entry?.enabled || !entry.flags.includes('F')) {
      throw new UserError(
        `binfmt_misc did not take ${name} with the F flag (flags: "${entry?.flags ?? 'none'}")`,
      );
    }
  }
}

/** What can run now: the host's platforms, then every arch with a healthy entry, in table order. */
export async function runnablePlatforms(
  binfmt: Binfmt,
  host: string | undefined,
): Promise<string[]> {
  const platforms = new Set(nativePlatforms(host));
  for (const arch of QEMU_ARCHES) {
    if (arch.qemu === host) continue;
    if (await isHealthy(await binfmt.read(entryName(arch))))
      arch.platforms.forEach((p) => platforms.add(p));
  }
  return [...platforms];
}
