export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts?: number;
  /**
   * A time budget in ms from the first attempt: no retry starts whose wait would end past it.
   * With a budget, attempts only caps a runaway loop.
   */
  budgetMs?: number;
  now?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Only errors this accepts are retried; the default retries none. */
  isRetryable?: (err: unknown) => boolean;
  /** A server-given delay (Retry-After), in ms, preferred over backoff. */
  retryAfterMs?: (err: unknown) => number | undefined;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Exponential backoff with full jitter, capped; Retry-After wins when given. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  rand = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (rand() * ceiling) / 2);
}

export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = opts.attempts ?? 3;
  const base = opts.baseDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 10_000;
  const wait = opts.sleep ?? sleep;
  const now = opts.now ?? Date.now;
  const started = now();
  // the waits count as spent even where `sleep` does not wait (a test's): the budget is the
  // same number of attempts whatever the clock does
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !(opts.isRetryable?.(err) ?? false)) throw err;
      const delay = Math.min(max, opts.retryAfterMs?.(err) ?? backoffDelay(attempt, base, max));
      const spent = Math.max(now() - started, waited);
      if (opts.budgetMs !== undefined && spent + delay > opts.budgetMs) throw err;
      opts.onRetry?.(err, attempt, delay);
      waited += delay;
      await wait(delay);
    }
  }
}
