import { join } from 'node:path';
import { pathExists } from '../../runtime/fs.js';
import { UserError } from '../../runtime/errors.js';
import type { Exec } from '../../runtime/exec.js';
import { asRoot } from '../../runtime/privilege.js';
import type { Attrs } from '../../runtime/timeline.js';
import { installTool, type InstallOptions } from '../installer.js';
import { SPECS } from '../spec.js';
import type { QemuArch } from './arches.js';

/** Emulator paths by QEMU arch name. */
export type Emulators = Map<string, string>;

/** qemu-<arch>-static on PATH, as Debian's and Ubuntu's qemu-user-static install them. */
export async function findSystemEmulators(
  arches: readonly QemuArch[],
): Promise<{ found: Emulators; missing: string[] }> {
  const found: Emulators = new Map();
  const missing: string[] = [];
  for (const a of arches) {
    const path = await (await import('@actions/io')).which(`qemu-${a.qemu}-static`, false);
    if (path) found.set(a.qemu, path);
    else missing.push(`qemu-${a.qemu}-static`);
  }
  return { found, missing };
}

/** apt-get installs qemu-user-static (as root, or through sudo). */
export async function installSystemPackage(exec: Exec): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [
    ['apt-get', 'update', '-q'],
    ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'qemu-user-static'],
  ]) {
    const [file, args] = asRoot(argv);
    await exec(file, args, { env });
  }
}

/**
 * The release archive's emulators through the one installer (pinned sha256, mirror, tool cache);
 * every requested emulator must be in it.
 */
export async function installRelease(
  arches: readonly QemuArch[],
  opts: InstallOptions,
  attrs: Attrs,
): Promise<Emulators> {
  const installed = await installTool(SPECS['binfmt-qemu'], opts, attrs);
  const emulators: Emulators = new Map(
    arches.map((a) => [a.qemu, join(installed.dir, `qemu-${a.qemu}`)]),
  );
  const missing: string[] = [];
  for (const [arch, path] of emulators) if (!(await pathExists(path))) missing.push(`qemu-${arch}`);
  if (missing.length)
    throw new UserError(`The ${installed.tag} archive lacks ${missing.join(', ')}`);
  return emulators;
}
