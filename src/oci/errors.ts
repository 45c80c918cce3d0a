/** Errors of the OCI layer. Callers in the action layer turn them into ValidationErrors. */
export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`invalid image reference ${JSON.stringify(reference)}: ${reason}`);
  }
}

export class InvalidDigestError extends Error {
  override readonly name = 'InvalidDigestError';
  constructor(
    readonly digest: string,
    readonly reason: string,
  ) {
    super(`invalid digest ${JSON.stringify(digest)}: ${reason}`);
  }
}

export class InvalidPlatformError extends Error {
  override readonly name = 'InvalidPlatformError';
  constructor(
    readonly platform: string,
    readonly reason: string,
  ) {
    super(`invalid platform ${JSON.stringify(platform)}: ${reason}`);
  }
}
