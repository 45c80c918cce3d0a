import { backoffDelay, retry } from '../../../src/runtime/retry.js';

class Temporary extends Error {
  constructor(readonly retryAfter?: number) {
    super('temporary');
  }
}

describe('retry', () => {
  const sleeps: number[] = [];
  const opts = {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    isRetryable: (e: unknown) => e instanceof Temporary,
    retryAfterMs: (e: unknown) => (e as Temporary).retryAfter,
    sleep: async (ms: number) => void sleeps.push(ms),
  };
  beforeEach(() => (sleeps.length = 0));

  it('retries temporary failures and honours a server-given delay', async () => {
    let n = 0;
    const result = await retry(async () => {
      n++;
      if (n === 1) throw new Temporary(700);
      if (n === 2) throw new Temporary();
      return 'ok';
    }, opts);
    expect(result).toBe('ok');
    expect(n).toBe(3);
    expect(sleeps[0]).toBe(700);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('does not retry permanent failures and stops after the last attempt', async () => {
    let n = 0;
    await expect(
      retry(async () => {
        n++;
        throw new Error('permanent');
      }, opts),
    ).rejects.toThrow('permanent');
    expect(n).toBe(1);
    n = 0;
    await expect(
      retry(async () => {
        n++;
        throw new Temporary();
      }, opts),
    ).rejects.toThrow('temporary');
    expect(n).toBe(4);
  });

  it('retries within a time budget, however many faults come in a row', async () => {
    let clock = 0;
    let n = 0;
    // six faults back off at most 100+200+400+800+1600+3200 ms (jitter only shortens them)
    const budgeted = {
      ...opts,
      attempts: 100,
      budgetMs: 6_300,
      maxDelayMs: 10_000,
      now: () => clock,
      sleep: async (ms: number) => void (sleeps.push(ms), (clock += ms)),
    };
    const result = await retry(async () => {
      n++;
      if (n <= 6) throw new Temporary();
      return 'ok';
    }, budgeted);
    expect(result).toBe('ok');
    expect(n).toBe(7);
    // a registry that stays down: the last wait would end past the budget, so it stops there
    clock = 0;
    sleeps.length = 0;
    await expect(
      retry(
        async () => {
          throw new Temporary(2_000);
        },
        { ...budgeted, budgetMs: 5_000 },
      ),
    ).rejects.toThrow('temporary');
    expect(sleeps).toEqual([2_000, 2_000]);
  });

  it('caps backoff', () => {
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(1, 100, 1000, () => 0)).toBe(50);
  });
});
