import { MIN_NEW_BYTES, worthSaving, decideSave } from '../../../src/cache/policy.js';

const main = { eventName: 'push', ref: 'refs/heads/main', defaultBranch: 'main' };

describe('decideSave', () => {
  it.each([
    ['auto', main, true, true, 'default branch, new content'],
    ['auto', { ...main, eventName: 'schedule' }, true, true, 'default branch, new content'],
    ['auto', main, false, false, 'unchanged since restore'],
    [
      'auto',
      { ...main, eventName: 'pull_request' },
      true,
      false,
      'pull request runs do not write the cache',
    ],
    [
      'auto',
      { ...main, eventName: 'pull_request_target' },
      true,
      false,
      'pull request runs do not write the cache',
    ],
    ['auto', { ...main, ref: 'refs/heads/feature' }, true, false, 'not the default branch (main)'],
    [
      'auto',
      { eventName: 'push', ref: 'refs/heads/main' },
      true,
      false,
      'default branch unknown (no event payload)',
    ],
    ['always', { ...main, eventName: 'pull_request' }, true, true, 'save: always'],
    ['always', main, false, false, 'unchanged since restore'],
    ['never', main, true, false, 'save: never'],
  ] as const)('%s on %j (new: %s) → %s', (policy, ctx, isNew, save, reason) => {
    expect(decideSave(policy, ctx, isNew)).toEqual({ save, reason });
  });
});

describe('worthSaving', () => {
  it('after an exact restore, saves only real new work; otherwise anything new', () => {
    const cache = 75 * 2 ** 20;
    // a rebuild of one commit: Go's few hundred bytes of bookkeeping
    expect(worthSaving('exact', 284, cache)).toBe(false);
    expect(worthSaving('exact', 0, cache)).toBe(false);
    // a one-line edit: a package or two recompiled, 4% of the cache — the next edit replaces it
    expect(worthSaving('exact', 3 * 2 ** 20, cache)).toBe(false);
    // a twentieth of the cache is new work
    expect(worthSaving('exact', 4 * 2 ** 20, cache)).toBe(true);
    // a small cache: a twentieth of it, and more than bookkeeping
    expect(worthSaving('exact', 70_000, 1_000_000)).toBe(true);
    expect(worthSaving('exact', 40_000, 1_000_000)).toBe(false);
    expect(worthSaving('exact', MIN_NEW_BYTES - 1, 1_000)).toBe(false);
    // restored under another key, or nothing restored: what was added is the point
    expect(worthSaving('partial', 284, cache)).toBe(true);
    expect(worthSaving('none', 1, 1)).toBe(true);
    expect(worthSaving('none', 0, 0)).toBe(false);
  });
});
