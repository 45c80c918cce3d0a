import { existsSync } from 'node:fs';
import { DEFAULT_BUILDKIT_SOCKET } from '../../tools/buildkit/config.js';
import * as core from '../../runtime/core.js';
import { withInputs } from '../../runtime/inputs.js';
import { formatPlatform } from '../../oci/platform.js';
import { hostQemuArch, resolveArches } from '../../tools/qemu/arches.js';
import { builderOf, readInputs as readBuildInputs } from '../build-push/inputs.js';
import { STAGE_INPUTS, stageInputs } from './inputs.js';

/** What the build needs on this runner that no earlier step set up. */
export interface BuilderSetup {
  /** Start BuildKit (or check the endpoint given) before the build. */
  buildkit: boolean;
  /** The build's platforms this runner cannot run natively: their emulators first, so the
   * buildkitd started next sees them (it reads its platforms when it starts). */
  qemu: string[];
  /** Why, for the log. */
  reason: string;
}

const NOTHING: BuilderSetup = { buildkit: false, qemu: [], reason: '' };

/**
 * The root sets up what its builder needs, as the separate steps would have: with the buildkit
 * builder and no BuildKit already there (BUILDKIT_HOST, or a daemon at buildctl's default
 * socket), setup-buildkit — and, when it starts the daemon on this runner, setup-qemu for the
 * platforms that are not this runner's. The go builder needs neither. Build inputs that do not
 * read are the build stage's to report: nothing is set up for them.
 */
export async function builderSetup(
  env: NodeJS.ProcessEnv = process.env,
  defaultSocket = DEFAULT_BUILDKIT_SOCKET,
): Promise<BuilderSetup> {
  let builder: string;
  let platforms: string[];
  try {
    ({ builder, platforms } = await withInputs(stageInputs('build'), async () => {
      const inputs = readBuildInputs();
      return { builder: builderOf(inputs), platforms: inputs.platforms.map(formatPlatform) };
    }));
  } catch {
    return NOTHING;
  }
  if (builder !== 'buildkit') return NOTHING;
  const endpoint = core.getInput(STAGE_INPUTS.buildkit.endpoint);
  if (endpoint) return { buildkit: true, qemu: [], reason: `BuildKit at ${endpoint}` };
  if (env.BUILDKIT_HOST || existsSync(defaultSocket)) return NOTHING;
  const linux = platforms.filter((p) => p.startsWith('linux/'));
  const foreign = linux.filter((p) => resolveArches('platforms', [p], hostQemuArch()).length > 0);
  return {
    buildkit: true,
    qemu: foreign,
    reason: `builder: buildkit and no BuildKit running${foreign.length ? `; ${foreign.join(', ')} emulated` : ''}`,
  };
}
