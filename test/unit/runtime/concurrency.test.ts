import { mapLimit } from '../../../src/runtime/concurrency.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimit', () => {
  it('keeps the items order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 5, 20, 1, 10], 2, async (ms, i) => {
      peak = Math.max(peak, ++running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
    expect(peak).toBe(2);
  });

  it('after a failure starts nothing new and settles only when the running items have', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const call = mapLimit([0, 1, 2, 3], 2, async (i) => {
      started.push(i);
      if (i === 0) throw new Error('first fails');
      await tick(30);
      finished.push(i);
      return i;
    });
    await expect(call).rejects.toThrow('first fails');
    // item 1 was running when 0 failed: it finished before the call settled; 2 and 3 never started
    expect(finished).toEqual([1]);
    expect(started).toEqual([0, 1]);
  });
});
