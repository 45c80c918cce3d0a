import * as core from '../../runtime/core.js';
import { UserError } from '../../runtime/errors.js';
import { execFile, type Exec } from '../../runtime/exec.js';
import { Timeline, type Attrs } from '../../runtime/timeline.js';
import type { QemuArch } from '../../tools/qemu/arches.js';
import { KernelBinfmt, type Binfmt } from '../../tools/qemu/binfmt.js';
import {
  findSystemEmulators,
  installRelease,
  installSystemPackage,
  type Emulators,
} from '../../tools/qemu/install.js';
import { archesToRegister, registerArches, runnablePlatforms } from '../../tools/qemu/register.js';
import { INPUT, OUTPUT, readInputs, type SetupQemuInputs } from './inputs.js';

export interface SetupQemuDeps {
  exec: Exec;
  binfmt: Binfmt;
  timeline: Timeline;
}

/** Emulators for `arches` from the chosen source: the machine's, or the release archive's. */
async function provideEmulators(
  inputs: SetupQemuInputs,
  arches: readonly QemuArch[],
  exec: Exec,
  attrs: Attrs,
): Promise<Emulators> {
  if (inputs.source !== 'release') {
    let system = await findSystemEmulators(arches);
    if (system.missing.length > 0 && inputs.source === 'system' && inputs.installPackage) {
      await installSystemPackage(exec);
      system = await findSystemEmulators(arches);
    }
    if (system.missing.length === 0) {
      attrs.source = 'system';
      return system.found;
    }
    if (inputs.source === 'system') {
      throw new UserError(
        `qemu: system, but ${system.missing.join(', ')} not found on PATH; ` +
          'install qemu-user-static, set install-package: true, or use qemu: release',
      );
    }
  }
  attrs.source = 'release';
  return installRelease(
    arches,
    {
      version: inputs.release,
      mirror: inputs.mirror,
      ...(inputs.checksum ? { checksum: inputs.checksum } : {}),
      inputs: { version: INPUT.version, checksum: INPUT.checksum },
    },
    attrs,
  );
}

export async function setupQemu(deps: SetupQemuDeps): Promise<void> {
  const inputs = readInputs();
  const { binfmt, timeline } = deps;

  const todo = await timeline.phase('check', async (attrs) => {
    await binfmt.ensureMounted();
    const todo = await archesToRegister(binfmt, inputs.arches, inputs.reset);
    attrs.requested = inputs.arches.map((a) => a.qemu);
    attrs.present = inputs.arches.filter((a) => !todo.includes(a)).map((a) => a.qemu);
    return todo;
  });

  let source = 'none';
  if (todo.length > 0) {
    const emulators = await timeline.phase('install', async (attrs) => {
      const e = await provideEmulators(inputs, todo, deps.exec, attrs);
      source = String(attrs.source);
      return e;
    });
    await timeline.phase('register', async (attrs) => {
      await registerArches(binfmt, todo, emulators, inputs.preserveArgv0);
      attrs.registered = todo.map((a) => a.qemu);
    });
    core.info(
      `Registered ${todo.map((a) => `qemu-${a.qemu}`).join(', ')} in binfmt_misc (source: ${source})`,
    );
  } else {
    core.info(
      'Every requested emulator is already registered; nothing to do (reset: true re-registers)',
    );
  }

  const platforms = await runnablePlatforms(binfmt, inputs.host);
  core.info(`Platforms that can run: ${platforms.join(', ')}`);
  core.setOutput(OUTPUT.platforms, platforms.join(','));
  core.setOutput(OUTPUT.source, source);
}

export function main(): Promise<void> {
  return setupQemu({
    exec: execFile,
    binfmt: new KernelBinfmt(execFile),
    timeline: new Timeline('setup-qemu'),
  });
}
