/**
 * Errors of the OCI layer: a value that is not what the grammar allows, and why. Callers in the
 * action layer turn them into ValidationErrors naming the input.
 */
export class InvalidValueError extends Error {
  constructor(
    what: string,
    readonly value: string,
    readonly reason: string,
  ) {
    super(`invalid ${what} ${JSON.stringify(value)}: ${reason}`);
  }
}

export class InvalidReferenceError extends InvalidValueError {
  override readonly name = 'InvalidReferenceError';
  constructor(value: string, reason: string) {
    super('image reference', value, reason);
  }
}

export class InvalidDigestError extends InvalidValueError {
  override readonly name = 'InvalidDigestError';
  constructor(value: string, reason: string) {
    super('digest', value, reason);
  }
}

export class InvalidPlatformError extends InvalidValueError {
  override readonly name = 'InvalidPlatformError';
  constructor(value: string, reason: string) {
    super('platform', value, reason);
  }
}

/** An index that would be ambiguous to a puller; its message is complete (no stack shown). */
export class InvalidIndexError extends Error {
  override readonly name = 'InvalidIndexError';
  readonly expected = true;
}
