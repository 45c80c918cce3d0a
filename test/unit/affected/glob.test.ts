import { matchesGlob } from '../../../src/affected/glob.js';

describe('path patterns', () => {
  it.each([
    ['cmd/billing', 'cmd/*', true],
    ['cmd/billing/api', 'cmd/*', false],
    ['cmd/billing/api', 'cmd/**', true],
    ['deploy/billing/k8s/app.yaml', 'deploy/billing/**', true],
    ['deploy/billing.yaml', 'deploy/billing/**', false],
    ['a/b/c.txt', '**/c.txt', true],
    ['c.txt', '**/c.txt', true],
    ['static/a.css', 'static/?.css', true],
    ['static/ab.css', 'static/?.css', false],
    ['data/v1.json', 'data/v[0-9].json', true],
    ['data/vx.json', 'data/v[!0-9].json', true],
    ['data/v1.json', 'data/v[^0-9].json', false],
    ['a.b', 'a?b', true],
    ['a+b', 'a+b', true],
    ['aab', 'a+b', false],
    ['x*y', 'x\\*y', true],
    ['assets/a\nb', 'assets/**', true],
    ['assets/a\nb', 'assets/*', true],
    ['xzy', 'x\\*y', false],
  ])('%s against %s: %s', (path, pattern, want) => expect(matchesGlob(path, pattern)).toBe(want));
});
