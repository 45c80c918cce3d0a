import { readFileSync } from 'node:fs';
import { gitContextFromEnv, type GitContext } from '../../../src/github/context.js';
import { gitLabels, sanitizeTag } from '../../../src/github/metadata.js';
import { imageTags, parseFlavor } from '../../../src/github/tagrules.js';
import { fixture } from '../../harness/paths.js';

const CREATED = '2024-01-02T03:04:05Z';
const base: GitContext = {
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'acme/api',
  workflow: 'ci',
  serverUrl: 'https://github.com',
};

const defaultTags = (ctx: GitContext) =>
  imageTags(
    { input: 'tags', accepted: 'tags', tags: [], rules: [], flavor: parseFlavor('flavor', []) },
    ctx,
  );

describe('tags when none are given: metadata-action’s default rules', () => {
  // metadata-action's README: tags defaults to type=schedule, type=ref,event=branch,
  // type=ref,event=tag, type=ref,event=pr; its type=ref and type=schedule rows
  it.each([
    ['branch push', {}, ['main']],
    ['branch with slashes', { ref: 'refs/heads/my/branch' }, ['my-branch']],
    ['release tag', { ref: 'refs/tags/v1.2.3' }, ['v1.2.3', 'latest']],
    ['prerelease tag', { ref: 'refs/tags/v2.0.8-beta.67' }, ['v2.0.8-beta.67', 'latest']],
    ['other tag', { ref: 'refs/tags/release/2024' }, ['release-2024', 'latest']],
    [
      'pull request',
      { eventName: 'pull_request', ref: 'refs/pull/2/merge', prNumber: 2 },
      ['pr-2'],
    ],
    // a scheduled run's ref is the default branch: type=ref,event=branch applies too
    ['schedule', { eventName: 'schedule' }, ['nightly', 'main']],
  ])('%s', (_, over, tags) => {
    const out = defaultTags({ ...base, ...over });
    expect(out).toEqual({ tags, version: tags[0] });
  });

  it('plain tags replace the default tags but not the version, so naming a tag does not change the image', () => {
    const out = imageTags(
      {
        input: 'tags',
        accepted: 'tags',
        tags: ['release', 'registry.example/app:v9'],
        rules: [],
        flavor: parseFlavor('flavor', []),
      },
      base,
    );
    expect(out).toEqual({ tags: ['release', 'registry.example/app:v9'], version: 'main' });
  });

  it('gives no tag where no rule applies, and the version is then sha-<7>', () => {
    expect(defaultTags({ ...base, eventName: 'workflow_dispatch', ref: '' })).toEqual({
      tags: [],
      version: 'sha-0123456',
    });
  });

  it('uses the PR number and the PR head sha from a real pull_request payload, not the merge commit', () => {
    const path = fixture('github', 'event-pull_request.opened.json');
    const payload = JSON.parse(readFileSync(path, 'utf8')) as {
      number: number;
      pull_request: { head: { sha: string } };
    };
    const ctx = gitContextFromEnv({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path,
      GITHUB_SHA: 'f'.repeat(40),
      GITHUB_REF: `refs/pull/${payload.number}/merge`,
      GITHUB_REPOSITORY: 'acme/api',
    });
    expect(defaultTags(ctx).tags).toEqual([`pr-${payload.number}`]);
    expect(payload.pull_request.head.sha).not.toBe('f'.repeat(40));
    expect(gitLabels(ctx, CREATED)['org.opencontainers.image.revision']).toBe(
      payload.pull_request.head.sha,
    );
  });

  it('reads a real push payload and a schedule payload', () => {
    const push = gitContextFromEnv({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: fixture('github', 'event-push.json'),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: base.sha,
      GITHUB_REPOSITORY: 'acme/api',
    });
    expect(push.defaultBranch).toBeTruthy();
    const sched = gitContextFromEnv({
      GITHUB_EVENT_NAME: 'schedule',
      GITHUB_EVENT_PATH: fixture('github', 'event-schedule.minimal.json'),
      GITHUB_SHA: base.sha,
    });
    expect(defaultTags(sched).tags).toEqual(['nightly']);
  });

  it('labels with the OCI keys', () => {
    expect(gitLabels({ ...base, ref: 'refs/tags/v1.0.0' }, CREATED)).toEqual({
      'org.opencontainers.image.created': CREATED,
      'org.opencontainers.image.title': 'api',
      'org.opencontainers.image.source': 'https://github.com/acme/api',
      'org.opencontainers.image.url': 'https://github.com/acme/api',
      'org.opencontainers.image.revision': base.sha,
    });
  });

  it('sanitises', () => {
    expect(sanitizeTag('-dependabot/npm/@types+node-20')).toBe('dependabot-npm--types-node-20');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(128);
  });
});
