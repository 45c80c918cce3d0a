/**
 * The one error for bad user input: names the input, what was given and what is accepted.
 * runAction prints its message as one line, never a stack trace.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly input: string,
    readonly given: string,
    readonly accepted: string,
    readonly detail?: string,
  ) {
    super(
      `Input "${input}": ${detail ? `${detail}; ` : ''}got ${JSON.stringify(given)}; accepted: ${accepted}`,
    );
  }
}

/** A failure the user can act on, reported as one line (no stack trace). */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/**
 * Errors whose message says everything the user needs (no stack trace, even in debug):
 * ours, and any error that declares `expected = true` (registry errors do).
 */
export function isExpectedError(err: unknown): boolean {
  return (
    err instanceof ValidationError ||
    err instanceof UserError ||
    (err as { expected?: unknown })?.expected === true
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
