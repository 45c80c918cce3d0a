import { UserError } from './errors.js';

/**
 * Resolves as p does, or fails after ms with "<what> took longer than <n>s". p is not cancelled:
 * callers use this where giving up is the point (a hung cache service must not hold the job), and
 * runAction's explicit exit ends whatever is still in flight.
 */
export async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError(`${what} took longer than ${ms / 1000}s`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
