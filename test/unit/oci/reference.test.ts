import { InvalidReferenceError } from '../../../src/oci/errors.js';
import { formatReference, parseReference, registryApiHost } from '../../../src/oci/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    ['ubuntu:24.04', { registry: 'docker.io', repository: 'library/ubuntu', tag: '24.04' }],
    ['index.docker.io/library/busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['docker.io/owner/app:v1', { registry: 'docker.io', repository: 'owner/app', tag: 'v1' }],
    ['owner/app', { registry: 'docker.io', repository: 'owner/app' }],
    [
      'ghcr.io/owner/app/sub:1.2.3',
      { registry: 'ghcr.io', repository: 'owner/app/sub', tag: '1.2.3' },
    ],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app:t', { registry: 'localhost:5000', repository: 'app', tag: 't' }],
    ['127.0.0.1:5000/a/b@' + D, { registry: '127.0.0.1:5000', repository: 'a/b', digest: D }],
    [
      '127.0.0.1:5000/a:tag@' + D,
      { registry: '127.0.0.1:5000', repository: 'a', tag: 'tag', digest: D },
    ],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    ['Registry.Example/app', { registry: 'Registry.Example', repository: 'app' }],
    ['reg.example/a__b/c-d/e.f', { registry: 'reg.example', repository: 'a__b/c-d/e.f' }],
  ])('parses %s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it('adds a default tag only when asked and neither tag nor digest is given', () => {
    expect(parseReference('app', { defaultTag: 'latest' }).tag).toBe('latest');
    expect(parseReference(`app@${D}`, { defaultTag: 'latest' }).tag).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['Owner/App', 'repository name must be lowercase'],
    ['ghcr.io/Owner/app', 'repository name must be lowercase'],
    [`app@${'a'.repeat(64)}`, 'missing algorithm'],
    ['app@sha256:abc', 'sha256 needs 64 lowercase hex characters'],
    [`app@md5:${'a'.repeat(32)}`, 'unsupported algorithm "md5"'],
    ['app:-bad', 'tag "-bad" must be'],
    ['app:bad$tag', 'tag "bad$tag" must be'],
    ['reg.example//app', 'empty path component'],
    ['reg.example/app-/x', 'invalid repository component "app-"'],
    ['-reg.example/app', 'invalid registry host "-reg.example"'],
    [`app:${'t'.repeat(129)}`, 'must be 1-128'],
  ])('rejects %j: %s', (input, reason) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError);
    expect(() => parseReference(input)).toThrow(reason);
  });

  it('formats and maps Docker Hub to its API host', () => {
    expect(formatReference(parseReference('ubuntu:24.04'))).toBe('docker.io/library/ubuntu:24.04');
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
  });
});
