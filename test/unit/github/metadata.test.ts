import { readFileSync } from 'node:fs';
import { gitContextFromEnv, type GitContext } from '../../../src/github/context.js';
import { deriveMetadata, sanitizeTag } from '../../../src/github/metadata.js';
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

describe('tags from the git context', () => {
  it.each([
    ['branch push', {}, ['main', 'sha-0123456']],
    [
      'branch with slashes',
      { ref: 'refs/heads/feature/Login_v2' },
      ['feature-Login_v2', 'sha-0123456'],
    ],
    ['release tag', { ref: 'refs/tags/v1.4.2' }, ['1.4.2', '1.4', '1', 'latest', 'sha-0123456']],
    ['0.x release tag', { ref: 'refs/tags/v0.9.0' }, ['0.9.0', '0.9', 'latest', 'sha-0123456']],
    ['prerelease tag', { ref: 'refs/tags/v2.0.0-rc.1' }, ['2.0.0-rc.1', 'sha-0123456']],
    ['other tag', { ref: 'refs/tags/release/2024' }, ['release-2024', 'sha-0123456']],
    ['schedule', { eventName: 'schedule' }, ['nightly', 'sha-0123456']],
  ])('%s', (_, over, tags) => {
    expect(deriveMetadata({ ...base, ...over }, CREATED).tags).toEqual(tags);
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
    const meta = deriveMetadata(ctx, CREATED);
    expect(meta.tags).toEqual([
      `pr-${payload.number}`,
      `sha-${payload.pull_request.head.sha.slice(0, 7)}`,
    ]);
    expect(payload.pull_request.head.sha).not.toBe('f'.repeat(40));
    expect(meta.labels['org.opencontainers.image.revision']).toBe(payload.pull_request.head.sha);
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
    expect(deriveMetadata(sched, CREATED).tags[0]).toBe('nightly');
  });

  it('labels with the OCI keys', () => {
    expect(deriveMetadata({ ...base, ref: 'refs/tags/v1.0.0' }, CREATED).labels).toEqual({
      'org.opencontainers.image.created': CREATED,
      'org.opencontainers.image.title': 'api',
      'org.opencontainers.image.source': 'https://github.com/acme/api',
      'org.opencontainers.image.url': 'https://github.com/acme/api',
      'org.opencontainers.image.revision': base.sha,
      'org.opencontainers.image.version': '1.0.0',
    });
  });

  it('sanitises', () => {
    expect(sanitizeTag('-dependabot/npm/@types+node-20')).toBe('dependabot-npm--types-node-20');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(128);
  });
});
