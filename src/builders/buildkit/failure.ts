import { ExecError } from '../../runtime/exec.js';
import { UserError } from '../../runtime/errors.js';

/** BuildKit's own last word: its final `error: …` line, else the last line it printed. */
export function buildkitCause(stderrTail: string): string {
  const lines = stderrTail
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((l) => l.startsWith('error:'));
  return (error ?? lines[lines.length - 1] ?? 'no output').replace(/^error:\s*/, '');
}

/** A failed `buildctl build` as one line that starts with the cause (argv and log are above it). */
export function buildFailure(err: unknown): unknown {
  if (!(err instanceof ExecError) || err.exitCode === 127) return err;
  return new UserError(
    `buildctl build failed (exit ${err.exitCode}): ${buildkitCause(err.stderrTail)}`,
  );
}

/** BuildKit not answering at `endpoint`, said before any build starts. */
export function unreachable(endpoint: string, err: unknown): unknown {
  if (!(err instanceof ExecError) || err.exitCode === 127) return err;
  return new UserError(
    `BuildKit does not answer at ${endpoint} (${buildkitCause(err.stderrTail)}); start it with setup-buildkit, or give setup-buildkit the endpoint of a running one`,
  );
}
