import * as core from '../../runtime/core.js';
import { failureMessage } from '../../runtime/action.js';
import { ValidationError } from '../../runtime/errors.js';
import { withInputs } from '../../runtime/inputs.js';
import { INPUT as BUILD_INPUT, OUTPUT as BUILD_OUTPUT } from '../build-push/inputs.js';
import { OUTPUT as CACHE_OUTPUT } from '../go-cache/inputs.js';
import { INPUT as SCAN_INPUT } from '../scan/inputs.js';
import { readInputs, rootInputOf, stageInputs, type Stage } from './inputs.js';
import { builderSetup } from './setup.js';

/** A stage's error, naming the root's input where the stage's own came from one. */
function rootError(stage: Stage, err: unknown): string {
  if (err instanceof ValidationError) {
    const root = rootInputOf(stage, err.input);
    if (root && root !== err.input)
      return new ValidationError(root, err.given, err.accepted, err.detail).message;
  }
  return failureMessage(err);
}

/**
 * Runs one stage as its own step would: its inputs, its log in a group; its error fails the
 * step (one line) and the stages that need it are skipped. True when it succeeded.
 */
async function run(
  stage: Stage,
  title: string,
  fn: () => Promise<void>,
  extra: Record<string, string> = {},
): Promise<boolean> {
  core.startGroup(title);
  try {
    await withInputs({ ...stageInputs(stage), ...extra }, fn);
    return true;
  } catch (err) {
    core.setFailed(rootError(stage, err));
    return false;
  } finally {
    core.endGroup();
  }
}

/**
 * What the builder needs that no earlier step set up (see builderSetup): QEMU, then BuildKit.
 * True when it is ready; a daemon started here is handed to `stop`.
 */
async function setUpBuilder(stop: (fn: () => Promise<void>) => void): Promise<boolean> {
  const setup = await builderSetup();
  if (!setup.buildkit) return true;
  core.info(`Setting up for the build: ${setup.reason}`);
  if (setup.qemu.length) {
    const qemu = await import('../setup-qemu/main.js');
    const ok = await run('qemu', 'setup-qemu', qemu.main, { platforms: setup.qemu.join(',') });
    if (!ok) return false;
  }
  const buildkit = await import('../setup-buildkit/main.js');
  return run('buildkit', 'setup-buildkit', async () => {
    const daemon = await buildkit.startBuildkit();
    if (daemon) stop(() => buildkit.stopBuildkit(daemon));
  });
}

/**
 * The whole pipeline in one process — go-cache, the builder's setup when it needs one,
 * build-push, scan (while go-cache saves what the build added), summary — with each stage's own
 * code and the outcomes a composite of their steps would have: a failed stage skips what needs
 * it; the summary always runs; the caches are saved after a build that succeeded (while the
 * image is scanned), whatever the scan found; a BuildKit started here is stopped at the end.
 */
export async function main(): Promise<void> {
  let stopBuildkit: (() => Promise<void>) | undefined;
  try {
    await pipeline((fn) => (stopBuildkit = fn));
  } finally {
    await stopBuildkit?.();
  }
}

async function pipeline(stopLater: (fn: () => Promise<void>) => void): Promise<void> {
  const inputs = readInputs();
  // a stage's code loads only when the stage runs
  const goCache = inputs.cache ? await import('../go-cache/main.js') : undefined;
  const cached = goCache ? await run('cache', 'go-cache', goCache.main) : false;
  let saving: Promise<void> | undefined;
  if ((cached || !inputs.cache) && (await setUpBuilder(stopLater))) {
    const path = core.outputOf(CACHE_OUTPUT.path);
    const buildPush = await import('../build-push/main.js');
    // in GOPATH mode go-cache moved the checkout: the build runs where it now is
    const built = await run(
      'build',
      'build-push',
      buildPush.main,
      path ? { [BUILD_INPUT.context]: path } : {},
    );
    if (built && cached && goCache)
      // go-cache's post never fails the job: its errors are warnings, as in its own post step
      saving = goCache.post().catch((err: unknown) => {
        core.warning(`go-cache save: ${failureMessage(err)}`);
      });
    if (built && inputs.scan) {
      const scan = await import('../scan/main.js');
      await run('scan', 'scan', scan.main, {
        [SCAN_INPUT.image]: core.outputOf(BUILD_OUTPUT.image) ?? '',
        [SCAN_INPUT.attestations]: core.outputOf(BUILD_OUTPUT.attestations) ?? '',
      });
    }
  }
  await saving;
  const summary = await import('../summary/main.js');
  await run('summary', 'summary', summary.main);
}
