import * as core from '../../runtime/core.js';
import { execFile } from '../../runtime/exec.js';
import { Timeline } from '../../runtime/timeline.js';
import { installTool } from '../../tools/installer.js';
import { SPECS } from '../../tools/spec.js';
import { OUTPUT, readInputs } from './inputs.js';

/** Installs Cloud Native Buildpacks' `pack` (verified, cached) and sets the default builder. */
export async function main(): Promise<void> {
  const inputs = readInputs();
  const timeline = new Timeline('setup-pack');
  const installed = await timeline.phase('install', (attrs) =>
    installTool(SPECS.pack, inputs.install, attrs),
  );
  const pack = installed.binaries[0]!;
  if (inputs.builder) {
    await timeline.phase('configure', async (attrs) => {
      await execFile(pack, ['config', 'default-builder', inputs.builder]);
      attrs.builder = inputs.builder;
    });
  }
  core.info(`pack ${installed.tag} at ${pack}${installed.cacheHit ? ' (tool cache)' : ''}`);
  core.setOutput(OUTPUT.version, installed.tag.replace(/^v/, ''));
  core.setOutput(OUTPUT.path, pack);
}
