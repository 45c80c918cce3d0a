import { ValidationError } from '../../../../src/runtime/errors.js';
import {
  hostQemuArch,
  nativePlatforms,
  QEMU_ARCHES,
  resolveArches,
} from '../../../../src/tools/qemu/arches.js';

const names = (items: string[], host = 'x86_64') =>
  resolveArches('platforms', items, host).map((a) => a.qemu);

describe('qemu arches', () => {
  it('resolves arch names, linux/ platforms and aliases in table order, without native ones', () => {
    expect(names(['s390x', 'linux/arm64', 'arm/v7'])).toEqual(['aarch64', 's390x', 'arm']);
    expect(names(['amd64', 'arm64'])).toEqual(['aarch64']);
    expect(names(['linux/386'])).toEqual([]);
    expect(names(['amd64'], 'aarch64')).toEqual(['x86_64']);
  });

  it('expands all to every emulator the host needs', () => {
    const all = names(['all']);
    expect(all).not.toContain('x86_64');
    expect(all).not.toContain('i386');
    expect(all).toEqual(expect.arrayContaining(['aarch64', 'arm', 'riscv64', 'ppc64le', 's390x']));
    expect(names(['all'], 'aarch64')).toContain('x86_64');
  });

  it.each([
    ['linux/foo', 'unknown platform'],
    ['windows/arm64', 'only linux/ platforms'],
    ['sparc9', 'unknown platform'],
  ])('rejects %s naming the input and accepted values', (item, why) => {
    const err = (() => {
      try {
        resolveArches('platforms', [item], 'x86_64');
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain('Input "platforms"');
    expect(err.message).toContain(why);
    expect(err.message).toContain('accepted: all, or a list of amd64, arm64');
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('maps node arches and native platforms', () => {
    expect(hostQemuArch('x64')).toBe('x86_64');
    expect(hostQemuArch('arm64')).toBe('aarch64');
    expect(nativePlatforms('x86_64')).toEqual(['linux/amd64', 'linux/386']);
    expect(nativePlatforms('aarch64')).toEqual(['linux/arm64']);
  });

  it('has 20-byte magic and mask for every arch', () => {
    for (const a of QEMU_ARCHES) {
      expect(a.magic.match(/\\x[0-9a-f]{2}/g)).toHaveLength(20);
      expect(a.mask.match(/\\x[0-9a-f]{2}/g)).toHaveLength(20);
    }
  });
});
