import { decideSave } from '../../../src/cache/policy.js';

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
