import { ValidationError } from '../../../src/runtime/errors.js';
import { sha256From } from '../../../src/tools/installer.js';
import { pinnedAsset, releasePlatform } from '../../../src/tools/pinned.js';
import { parseVersion, SPECS } from '../../../src/tools/spec.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('tool specs', () => {
  it.each([
    ['buildkit', 'v0.33.1', 'linux-arm64', 'buildkit-v0.33.1.linux-arm64.tar.gz'],
    ['pack', 'v0.40.8', 'linux-amd64', 'pack-v0.40.8-linux.tgz'],
    ['pack', 'v0.40.8', 'linux-arm64', 'pack-v0.40.8-linux-arm64.tgz'],
    ['trivy', 'v0.74.0', 'linux-amd64', 'trivy_0.74.0_Linux-64bit.tar.gz'],
    ['trivy', 'v0.74.0', 'linux-arm64', 'trivy_0.74.0_Linux-ARM64.tar.gz'],
    ['hadolint', 'v2.15.1', 'linux-amd64', 'hadolint-linux-x86_64'],
    ['binfmt-qemu', 'deploy/v10.2.3-68', 'linux-amd64', 'qemu_v10.2.3_linux-amd64.tar.gz'],
  ] as const)('%s %s on %s is %s', (tool, tag, platform, asset) => {
    expect(SPECS[tool].asset(tag, platform)).toBe(asset);
  });

  it('pins the default of every tool for linux-amd64, each confirmed by two sources', () => {
    for (const spec of Object.values(SPECS)) {
      expect([spec.name, pinnedAsset(spec.name, spec.defaultTag, 'linux-amd64')?.asset]).toEqual([
        spec.name,
        spec.asset(spec.defaultTag, 'linux-amd64'),
      ]);
    }
    expect(releasePlatform('x64', 'linux')).toBe('linux-amd64');
  });

  it('reads versions: default, latest, with or without v; refuses trivy 0.69.x and binfmt latest', () => {
    expect(parseVersion(SPECS.pack, 'version', '')).toBe('v0.40.8');
    expect(parseVersion(SPECS.pack, 'version', '0.39.1')).toBe('v0.39.1');
    expect(parseVersion(SPECS.trivy, 'version', 'latest')).toBe('latest');
    expect(() => parseVersion(SPECS.trivy, 'trivy-version', '0.69.2')).toThrow(
      'Input "trivy-version": got "0.69.2"; accepted: a trivy release such as v0.74.0 (never 0.69.x), or latest',
    );
    expect(() => parseVersion(SPECS.pack, 'version', '0.x')).toThrow(ValidationError);
    expect(parseVersion(SPECS['binfmt-qemu'], 'version', 'v10.2.3-68')).toBe('deploy/v10.2.3-68');
    expect(() => parseVersion(SPECS['binfmt-qemu'], 'version', 'latest')).toThrow(
      'Input "version": got "latest"',
    );
  });

  it('names each release checksum file', () => {
    expect(SPECS.pack.checksumFile('v0.40.8', 'pack-v0.40.8-linux.tgz')).toBe(
      'pack-v0.40.8-linux.tgz.sha256',
    );
    expect(SPECS.trivy.checksumFile('v0.74.0')).toBe('trivy_0.74.0_checksums.txt');
    expect(SPECS.hadolint.checksumFile('v2.15.1', 'hadolint-linux-x86_64')).toBe(
      'checksums.sha256',
    );
    expect(SPECS.hadolint.checksumFile('v2.14.0', 'hadolint-linux-x86_64')).toBe(
      'hadolint-linux-x86_64.sha256',
    );
  });
});

describe('checksum files', () => {
  it.each([
    ['shasum text mode (pack)', `${A}  pack-v0.40.8-linux.tgz\n`, 'pack-v0.40.8-linux.tgz', A],
    [
      'goreleaser list (trivy)',
      `${B}  trivy_0.74.0_Linux-ARM64.tar.gz\n${A}  trivy_0.74.0_Linux-64bit.tar.gz\n`,
      'trivy_0.74.0_Linux-64bit.tar.gz',
      A,
    ],
    [
      'sha256sum -b (hadolint)',
      `${B} *hadolint-linux-arm64\n${A} *hadolint-linux-x86_64\n`,
      'hadolint-linux-x86_64',
      A,
    ],
    // a bare hash names no file: it could be any asset's
    ['a bare digest', `${A.toUpperCase()}\n`, 'anything', undefined],
    ['an asset not listed', `${B}  other\n`, 'mine', undefined],
  ])('%s', (_, text, asset, sha) => {
    expect(sha256From(text, asset)).toBe(sha);
  });
});
