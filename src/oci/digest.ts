import { createHash, type Hash } from 'node:crypto';
import { InvalidDigestError } from './errors.js';

/** `algorithm:hex`, as in the OCI image spec. */
export type Digest = `${string}:${string}`;

const ALGORITHMS: Record<string, number> = { sha256: 64, sha512: 128 };

/** Validates a digest string; the error says what is wrong with it. */
export function parseDigest(value: string): Digest {
  const colon = value.indexOf(':');
  if (colon < 0)
    throw new InvalidDigestError(value, 'missing algorithm (expected sha256:<64 hex>)');
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = ALGORITHMS[algorithm];
  if (length === undefined) {
    throw new InvalidDigestError(
      value,
      `unsupported algorithm ${JSON.stringify(algorithm)} (sha256 or sha512)`,
    );
  }
  if (!new RegExp(`^[a-f0-9]{${length}}$`).test(hex)) {
    throw new InvalidDigestError(value, `${algorithm} needs ${length} lowercase hex characters`);
  }
  return value as Digest;
}

export function isDigest(value: string): value is Digest {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function sha256Digest(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The hex part, as blob file names in an OCI layout use it. */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function digestAlgorithm(digest: Digest): string {
  return digest.slice(0, digest.indexOf(':'));
}

/** Hashes a stream as it passes, for uploads and downloads that must not be held in memory. */
export class DigestingCounter {
  private readonly hash: Hash = createHash('sha256');
  size = 0;
  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }
  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }
}
