import * as core from './core.js';
import { errorMessage, isExpectedError } from './errors.js';
import { ExecError } from './exec.js';
import { POST_MARKER } from './state.js';

export type Step = () => Promise<void>;

/** The one place that turns an error into the step's failure message. */
export function failureMessage(err: unknown): string {
  if (isExpectedError(err) || err instanceof ExecError) return (err as Error).message;
  if (err instanceof Error) {
    core.debug(err.stack ?? err.message);
    return err.message;
  }
  return errorMessage(err);
}

/**
 * Runs an action's main, or its post when the runner calls the same bundle again
 * (main leaves a marker in state). Main's errors fail the step through the one setFailed;
 * post never fails the job: its errors become warnings. Either way the process exits
 * explicitly so no open handle (a keep-alive socket, a timer) can hang the step.
 */
export async function runAction(main: Step, post?: Step): Promise<void> {
  const isPost = core.getState(POST_MARKER) === 'true';
  if (isPost) {
    try {
      if (post) await post();
    } catch (err) {
      core.warning(`post: ${failureMessage(err)}`);
    }
    process.exit(0);
  }
  if (post) core.saveState(POST_MARKER, 'true');
  try {
    await main();
  } catch (err) {
    core.setFailed(failureMessage(err));
  }
  process.exit(process.exitCode ?? 0);
}
