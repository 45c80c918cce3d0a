/**
 * docker/metadata-action's own examples give the same tags here. Every row is transcribed from
 * its README.md (github.com/docker/metadata-action, commit dc802804100637a589fabce1cb79ff13a1411302):
 * the Basic and Semver usage tables, and the type=semver, type=match and type=ref tables.
 */
import type { GitContext } from '../../../src/github/context.js';
import {
  evaluateTagRules,
  parseFlavor,
  parseTagRule,
  type TagRule,
} from '../../../src/github/tagrules.js';
import { ValidationError } from '../../../src/runtime/errors.js';

const base: GitContext = {
  eventName: 'push',
  ref: 'refs/heads/master',
  sha: '860c1904a1ce19322e91ac35af1ab07466440c37',
  repository: 'user/app',
  workflow: 'ci',
  serverUrl: 'https://github.com',
  defaultBranch: 'master',
};

const EVENTS: Record<string, Partial<GitContext>> = {
  pull_request: { eventName: 'pull_request', ref: 'refs/pull/2/merge', prNumber: 2 },
  push: { eventName: 'push' },
  'push tag': { eventName: 'push' },
  workflow_dispatch: { eventName: 'workflow_dispatch' },
  schedule: { eventName: 'schedule' },
};

function tagsFor(lines: string[], event: string, ref: string, flavor: string[] = []): string[] {
  const rules: TagRule[] = lines.map((l) => parseTagRule('tags', l));
  const ctx = { ...base, ref, ...EVENTS[event] };
  return evaluateTagRules('tags', rules, parseFlavor('flavor', flavor), ctx).tags;
}

describe('metadata-action rules, its README examples', () => {
  // "Basic": no tags input, so the default entries
  const DEFAULTS = [
    'type=schedule',
    'type=ref,event=branch',
    'type=ref,event=tag',
    'type=ref,event=pr',
  ];
  it.each([
    ['pull_request', 'refs/pull/2/merge', ['pr-2']],
    ['push', 'refs/heads/master', ['master']],
    ['push', 'refs/heads/releases/v1', ['releases-v1']],
    ['push tag', 'refs/tags/v1.2.3', ['v1.2.3', 'latest']],
    ['push tag', 'refs/tags/v2.0.8-beta.67', ['v2.0.8-beta.67', 'latest']],
    ['workflow_dispatch', 'refs/heads/master', ['master']],
  ])('Basic: %s %s → %j', (event, ref, tags) =>
    expect(tagsFor(DEFAULTS, event, ref)).toEqual(tags),
  );

  const SEMVER_USAGE = [
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
  ];
  it.each([
    ['pull_request', 'refs/pull/2/merge', ['pr-2']],
    ['push', 'refs/heads/master', ['master']],
    ['push', 'refs/heads/releases/v1', ['releases-v1']],
    ['push tag', 'refs/tags/v1.2.3', ['1.2.3', '1.2', 'latest']],
    ['push tag', 'refs/tags/v2.0.8-beta.67', ['2.0.8-beta.67']],
  ])('Semver: %s %s → %j', (event, ref, tags) =>
    expect(tagsFor(SEMVER_USAGE, event, ref)).toEqual(tags),
  );

  it.each([
    ['v1.2.3', '{{raw}}', '', 'v1.2.3'],
    ['v1.2.3', '{{version}}', '', '1.2.3'],
    ['v1.2.3', '{{major}}.{{minor}}', '', '1.2'],
    ['v1.2.3', 'v{{major}}', '', 'v1'],
    ['v1.2.3', '{{minor}}', '', '2'],
    ['v1.2.3', '{{patch}}', '', '3'],
    ['p1/v1.2.3', '{{version}}', 'v(\\d.\\d.\\d)$', '1.2.3'],
    ['v2.0.8-beta.67', '{{raw}}', '', 'v2.0.8-beta.67'],
    ['v2.0.8-beta.67', '{{version}}', '', '2.0.8-beta.67'],
    ['v2.0.8-beta.67', '{{major}}', '', '2.0.8-beta.67'],
    ['v2.0.8-beta.67', '{{major}}.{{minor}}', '', '2.0.8-beta.67'],
  ])('type=semver: %s with %s (match %s) → %s', (tag, pattern, match, out) => {
    const rule = `type=semver,pattern=${pattern}${match ? `,match=${match}` : ''}`;
    expect(tagsFor([rule], 'push tag', `refs/tags/${tag}`, ['latest=false'])).toEqual([out]);
  });

  it.each([
    ['v1.2.3', '\\d.\\d.\\d', '0', '1.2.3'],
    ['v2.0.8-beta.67', 'v(.*)', '1', '2.0.8-beta.67'],
    ['v2.0.8-beta.67', 'v(\\d.\\d)', '1', '2.0'],
    ['20200110-RC2', '\\d+', '0', '20200110'],
    ['p1/v1.2.3', 'p1/v(\\d.\\d.\\d)', '1', '1.2.3'],
  ])('type=match: %s with %s group %s → %s', (tag, pattern, group, out) => {
    const rule = `type=match,pattern=${pattern},group=${group}`;
    expect(tagsFor([rule], 'push tag', `refs/tags/${tag}`, ['latest=false'])).toEqual([out]);
  });

  it.each([
    ['pull_request', 'refs/pull/2/merge', 'pr-2'],
    ['push', 'refs/heads/master', 'master'],
    ['push', 'refs/heads/my/branch', 'my-branch'],
    ['push tag', 'refs/tags/v1.2.3', 'v1.2.3'],
    ['push tag', 'refs/tags/v2.0.8-beta.67', 'v2.0.8-beta.67'],
    ['workflow_dispatch', 'refs/heads/master', 'master'],
  ])('type=ref: %s %s → %s', (event, ref, out) => {
    const rules = ['type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];
    expect(tagsFor(rules, event, ref, ['latest=false'])).toEqual([out]);
  });
});

describe('the rest of the rule language', () => {
  it('sha, raw with global expressions, edge, schedule, enable and priority', () => {
    expect(
      tagsFor(['type=sha', 'type=sha,format=long,prefix='], 'push', 'refs/heads/master'),
    ).toEqual(['sha-860c190', base.sha]);
    expect(
      tagsFor(
        ['type=raw,value=mytag-{{branch}}-{{sha}}', 'type=sha,prefix={{branch}}-'],
        'push',
        'refs/heads/my/branch',
      ),
    ).toEqual(['mytag-my-branch-860c190', 'my-branch-860c190']);
    expect(tagsFor(['type=edge'], 'push', 'refs/heads/master')).toEqual(['edge']);
    expect(tagsFor(['type=edge'], 'push', 'refs/heads/dev')).toEqual([]);
    expect(
      tagsFor(['type=raw,value=latest,enable={{is_default_branch}}'], 'push', 'refs/heads/master'),
    ).toEqual(['latest']);
    expect(
      tagsFor(['type=raw,value=latest,enable={{is_default_branch}}'], 'push', 'refs/heads/dev'),
    ).toEqual([]);
    const rules = ["type=schedule,pattern={{date 'YYYYMMDD'}}"].map((l) => parseTagRule('tags', l));
    const night = { ...base, eventName: 'schedule' };
    expect(
      evaluateTagRules(
        'tags',
        rules,
        parseFlavor('flavor', []),
        night,
        new Date('2020-01-10T00:30:00Z'),
      ).tags,
    ).toEqual(['20200110']);
    expect(tagsFor(['type=schedule'], 'schedule', 'refs/heads/master')).toEqual(['nightly']);
    // priority orders the list; the first is the version
    const out = evaluateTagRules(
      'tags',
      ['type=sha', 'type=raw,value=low,priority=50', 'type=ref,event=branch'].map((l) =>
        parseTagRule('tags', l),
      ),
      parseFlavor('flavor', []),
      base,
    );
    expect(out).toEqual({ version: 'master', tags: ['master', 'sha-860c190', 'low'] });
  });

  it('flavor: latest, and prefix/suffix for every tag but latest unless onlatest', () => {
    expect(
      tagsFor(['type=semver,pattern={{version}}'], 'push tag', 'refs/tags/v1.2.3', [
        'prefix=app-',
        'suffix=-slim',
      ]),
    ).toEqual(['app-1.2.3-slim', 'latest']);
    expect(
      tagsFor(['type=semver,pattern={{version}}'], 'push tag', 'refs/tags/v1.2.3', [
        'suffix=-slim,onlatest=true',
      ]),
    ).toEqual(['1.2.3-slim', 'latest-slim']);
    expect(
      tagsFor(['type=ref,event=branch'], 'push', 'refs/heads/master', ['latest=true']),
    ).toEqual(['master', 'latest']);
  });

  it.each([
    ['type=nope', 'unknown type "nope"'],
    ['type=ref', 'type=ref needs event=branch|tag|pr'],
    ['type=semver', 'type=semver needs pattern='],
    ['type=sha,format=medium', 'format=short|long'],
    ['type=raw,value=x,priority=high', 'priority= takes a whole number'],
  ])('refuses %s, naming the input', (line, detail) => {
    expect(() => parseTagRule('tags', line)).toThrow(ValidationError);
    expect(() => parseTagRule('tags', line)).toThrow(`Input "tags": ${detail}; got "${line}"`);
  });

  it('reads a flavor as metadata-action does: spaces around = and keys in any case', () => {
    // metadata-action's flavor.ts trims each key and value and lower-cases the key
    expect(
      parseFlavor('flavor', ['latest = false', 'Prefix = app- , onlatest = true', 'suffix=-x']),
    ).toEqual({
      latest: 'false',
      prefix: 'app-',
      prefixOnLatest: true,
      suffix: '-x',
      suffixOnLatest: false,
    });
    expect(() => parseFlavor('flavor', ['latest'])).toThrow(
      'Input "flavor": key=value fields; got "latest"',
    );
  });

  it('refuses a flavor it does not know', () => {
    expect(() => parseFlavor('flavor', ['latest=sometimes'])).toThrow(
      'Input "flavor": got "latest=sometimes"',
    );
  });
});
