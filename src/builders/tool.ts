import { sayingWhenMissing, type Exec } from '../runtime/exec.js';

/** Runs a builder's tool; a missing one is a one-line error saying which setup action installs it. */
export async function runTool(
  exec: Exec,
  file: string,
  args: string[],
  setup: string,
  opts: {
    redact?: string[];
    silent?: boolean;
    env?: NodeJS.ProcessEnv;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<void> {
  const say = `${file} is not on PATH; run ${setup} before build-push`;
  const { signal, ...rest } = opts;
  await sayingWhenMissing(exec, file, say)(file, args, { ...rest, ...(signal ? { signal } : {}) });
}
