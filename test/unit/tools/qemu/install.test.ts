import { ValidationError } from '../../../../src/runtime/errors.js';
import {
  DEFAULT_QEMU_MIRROR,
  parseQemuRelease,
  releaseUrl,
} from '../../../../src/tools/qemu/install.js';
import { pinnedAsset, releasePlatform } from '../../../../src/tools/pinned.js';

describe('qemu release', () => {
  it('parses binfmt release tags with or without deploy/', () => {
    expect(parseQemuRelease('version', 'v10.2.3-68')).toEqual({
      tag: 'deploy/v10.2.3-68',
      qemuVersion: 'v10.2.3',
      run: '68',
    });
    expect(parseQemuRelease('version', 'deploy/v6.1.0-20').qemuVersion).toBe('v6.1.0');
    expect(() => parseQemuRelease('version', '10.2')).toThrow(ValidationError);
    expect(() => parseQemuRelease('version', 'latest')).toThrow('Input "version"');
  });

  it('builds the release asset URL in the binfmt layout', () => {
    const release = parseQemuRelease('version', 'v10.2.3-68');
    expect(releaseUrl({ release, mirror: DEFAULT_QEMU_MIRROR, platform: 'linux-arm64' })).toBe(
      'https://github.com/tonistiigi/binfmt/releases/download/deploy%2Fv10.2.3-68/qemu_v10.2.3_linux-arm64.tar.gz',
    );
  });

  it('pins the default amd64 archive and names release platforms', () => {
    expect(pinnedAsset('binfmt-qemu', 'deploy/v10.2.3-68', 'linux-amd64')?.asset).toBe(
      'qemu_v10.2.3_linux-amd64.tar.gz',
    );
    expect(pinnedAsset('binfmt-qemu', 'deploy/v10.2.3-68', 'linux-arm64')).toBeUndefined();
    expect(releasePlatform('x64', 'linux')).toBe('linux-amd64');
    expect(releasePlatform('arm', 'linux')).toBe('linux-arm-v7');
  });
});
