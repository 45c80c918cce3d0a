import { baseOf } from '../../../src/affected/changes.js';

describe('the base a run compares with', () => {
  const sha = 'a'.repeat(40);
  it.each([
    [
      'the input first',
      'b'.repeat(40),
      'push',
      { before: sha },
      { sha: 'b'.repeat(40), why: 'the base input' },
    ],
    [
      'a pull request',
      '',
      'pull_request',
      { pull_request: { base: { sha } } },
      { sha, why: "the pull request's base" },
    ],
    [
      'a merge queue',
      '',
      'merge_group',
      { merge_group: { base_sha: sha } },
      { sha, why: "the merge queue's base" },
    ],
    ['a push', '', 'push', { before: sha }, { sha, why: 'the commit before the push' }],
    [
      'a new branch',
      '',
      'push',
      { before: '0'.repeat(40), created: true },
      { every: 'a new branch or tag: nothing to compare with' },
    ],
    [
      'a force push',
      '',
      'push',
      { before: sha, forced: true },
      { every: 'a force push: the commits before it may be gone' },
    ],
    ['a schedule', '', 'schedule', {}, { every: 'a schedule: every service is built' }],
    [
      'a manual run',
      '',
      'workflow_dispatch',
      {},
      { every: 'a workflow_dispatch: every service is built' },
    ],
    [
      'a base that is not a commit id',
      '',
      'pull_request',
      { pull_request: { base: { sha: '--upload-pack=touch /tmp/x' } } },
      { every: 'the pull request names no base commit (not a commit id)' },
    ],
    [
      'a before that is not a commit id',
      '',
      'push',
      { before: 'HEAD~1' },
      { every: 'the push names no commit before it (not a commit id)' },
    ],
    [
      'a pull request without its base',
      '',
      'pull_request',
      {},
      { every: 'the pull request names no base commit' },
    ],
  ])('%s', (_, input, event, payload, want) => expect(baseOf(input, event, payload)).toEqual(want));
});
