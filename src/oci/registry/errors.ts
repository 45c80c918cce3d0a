import { redactUrl } from '../../runtime/redact.js';

/** An error code from the distribution spec's error body: `{"errors":[{"code","message"}]}`. */
export interface RegistryErrorCode {
  code: string;
  message?: string;
}

const NEVER_TEMPORARY = new Set([400, 401, 403, 404]);
/** The spec's codes that mean "try again later". */
const TEMPORARY_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE']);
/** A blob that came back other than its digest: the read is retried, as a cut one is. */
export const CORRUPT_READ = 'ECORRUPTREAD';
const TEMPORARY_NETWORK = new Set([
  CORRUPT_READ,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** What a failed request says beyond its status: the registry's codes, Retry-After, the network error, a note. */
export interface RegistryErrorFacts {
  codes?: RegistryErrorCode[];
  retryAfterMs?: number | undefined;
  networkCode?: string | undefined;
  detail?: string | undefined;
}

/** A failed registry request: method, redacted URL, status and the registry's own error codes. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  /** Its message is complete: no stack trace is shown for it. */
  readonly expected = true;
  readonly url: string;
  readonly codes: RegistryErrorCode[];
  readonly retryAfterMs?: number;
  readonly networkCode?: string;
  readonly detail?: string;
  constructor(
    readonly method: string,
    url: string,
    readonly status: number | undefined,
    facts: RegistryErrorFacts = {},
  ) {
    const { codes = [], networkCode, detail } = facts;
    const redacted = redactUrl(url);
    const what = status !== undefined ? `${status}` : `network error ${networkCode ?? ''}`.trim();
    const codeText = codes.map((c) => (c.message ? `${c.code}: ${c.message}` : c.code)).join('; ');
    super(
      `${method} ${redacted}: ${what}${codeText ? ` (${codeText})` : ''}${detail ? ` — ${detail}` : ''}`,
    );
    this.url = redacted;
    this.codes = codes;
    if (facts.retryAfterMs !== undefined) this.retryAfterMs = facts.retryAfterMs;
    if (networkCode !== undefined) this.networkCode = networkCode;
    if (detail !== undefined) this.detail = detail;
  }

  /**
   * 408, 429, 5xx (but 501), the spec's temporary codes, resets and timeouts, corrupted reads;
   * never 400, 401, 403 or 404, whatever code comes with them: asking again changes nothing.
   */
  get temporary(): boolean {
    if (this.status !== undefined && NEVER_TEMPORARY.has(this.status)) return false;
    if (this.codes.some((c) => TEMPORARY_CODES.has(c.code))) return true;
    if (this.status === undefined)
      return this.networkCode !== undefined && TEMPORARY_NETWORK.has(this.networkCode);
    return (
      this.status === 408 || this.status === 429 || (this.status >= 500 && this.status !== 501)
    );
  }

  hasCode(code: string): boolean {
    return this.codes.some((c) => c.code === code);
  }
}

export function isTemporary(err: unknown): boolean {
  return err instanceof RegistryError && err.temporary;
}

export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof RegistryError ? err.retryAfterMs : undefined;
}

/** Retry-After as seconds or an HTTP date, in ms. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function parseErrorBody(body: Buffer): RegistryErrorCode[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: { code?: unknown; message?: unknown }[];
    };
    return (parsed.errors ?? [])
      .filter((e) => typeof e.code === 'string')
      .map((e) => ({
        code: e.code as string,
        ...(typeof e.message === 'string' ? { message: e.message } : {}),
      }));
  } catch {
    return [];
  }
}

/** The registry has no such manifest or repository (404, MANIFEST_UNKNOWN, NAME_UNKNOWN). */
export function isNotFound(err: unknown): boolean {
  return (
    err instanceof RegistryError &&
    (err.status === 404 || err.hasCode('MANIFEST_UNKNOWN') || err.hasCode('NAME_UNKNOWN'))
  );
}
