import {
  MIN_COMPILED_BYTES,
  MIN_NEW_BYTES,
  worthSaving,
  worthSavingTrimmed,
  decideSave,
} from '../../../src/cache/policy.js';

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
      { ...main, eventName: 'workflow_dispatch' },
      true,
      true,
      'default branch, new content',
    ],
    ...['issue_comment', 'workflow_run', 'repository_dispatch', 'merge_group', 'release', ''].map(
      (eventName) =>
        [
          'auto',
          { ...main, eventName },
          true,
          false,
          `${eventName || 'an unknown event'} runs do not write the cache (only push, schedule, workflow_dispatch)`,
        ] as const,
    ),
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

describe('worthSavingTrimmed', () => {
  it('saves an exact cache again when the restore wrote many entries the build never read', () => {
    // examples/orders-api: the first edit after a cold build's save
    const coldSaved = { new: 10, newBytes: 900_000, unusedRestored: 731, afterRestore: 2567 };
    expect(worthSavingTrimmed('exact', coldSaved)).toBe(true);
    // a rebuild of one commit compiled nothing (Go's bookkeeping): it saves nothing
    expect(worthSavingTrimmed('exact', { ...coldSaved, new: 0, newBytes: 0 })).toBe(false);
    expect(worthSavingTrimmed('exact', { ...coldSaved, new: 4, newBytes: 723 })).toBe(false);
    // the smallest compiled main package, with its records
    expect(worthSavingTrimmed('exact', { ...coldSaved, new: 5, newBytes: 3186 })).toBe(true);
    expect(worthSavingTrimmed('exact', { ...coldSaved, newBytes: MIN_COMPILED_BYTES - 1 })).toBe(
      false,
    );
    // each edit leaves the previous edit's outputs unused, about as many as it adds
    expect(
      worthSavingTrimmed('exact', {
        new: 10,
        newBytes: 9000,
        unusedRestored: 12,
        afterRestore: 1990,
      }),
    ).toBe(false);
    expect(
      worthSavingTrimmed('exact', {
        new: 10,
        newBytes: 9000,
        unusedRestored: 39,
        afterRestore: 100,
      }),
    ).toBe(false);
    expect(
      worthSavingTrimmed('exact', {
        new: 10,
        newBytes: 9000,
        unusedRestored: 40,
        afterRestore: 100,
      }),
    ).toBe(true);
    // a few unused entries in a large cache are not worth uploading it again
    expect(
      worthSavingTrimmed('exact', {
        new: 2,
        newBytes: 9000,
        unusedRestored: 99,
        afterRestore: 2000,
      }),
    ).toBe(false);
    expect(
      worthSavingTrimmed('exact', {
        new: 2,
        newBytes: 9000,
        unusedRestored: 100,
        afterRestore: 2000,
      }),
    ).toBe(true);
    // another key's cache is saved by worthSaving's rule (anything new)
    expect(worthSavingTrimmed('partial', coldSaved)).toBe(false);
    expect(worthSavingTrimmed('none', coldSaved)).toBe(false);
  });
});
