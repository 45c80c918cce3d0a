import { QEMU_ARCHES, type QemuArch } from '../../../../src/tools/qemu/arches.js';
import {
  parseEntry,
  registrationLine,
  type Binfmt,
  type BinfmtEntry,
} from '../../../../src/tools/qemu/binfmt.js';
import {
  archesToRegister,
  registerArches,
  runnablePlatforms,
} from '../../../../src/tools/qemu/register.js';

const arch = (q: string) => QEMU_ARCHES.find((a) => a.qemu === q) as QemuArch;

/** In memory, with the kernel's rules: register parses the line, names are unique. */
class FakeBinfmt implements Binfmt {
  entries = new Map<string, BinfmtEntry>();
  log: string[] = [];
  async ensureMounted() {}
  async read(name: string) {
    return this.entries.get(name);
  }
  async register(line: string) {
    this.log.push(`register ${line}`);
    const [, name, type, , , , interpreter, flags] = line.split(':');
    if (type !== 'M' || !name || this.entries.has(name)) throw new Error('EEXIST or bad line');
    this.entries.set(name, {
      name,
      enabled: true,
      interpreter: interpreter ?? '',
      flags: flags ?? '',
    });
  }
  async remove(name: string) {
    this.log.push(`remove ${name}`);
    this.entries.delete(name);
  }
}

describe('binfmt registration', () => {
  it('builds the register line with magic, mask, interpreter and flags', () => {
    const line = registrationLine(arch('aarch64'), '/opt/qemu/qemu-aarch64', 'F');
    expect(line).toBe(
      ':qemu-aarch64:M:0:\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:' +
        '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/opt/qemu/qemu-aarch64:F',
    );
    expect(() => registrationLine(arch('arm'), '/a:b', 'F')).toThrow('may not contain ":"');
  });

  it('parses the kernel entry text', () => {
    const text =
      'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: PF\noffset 0\nmagic 7f454c46\nmask ffffffff\n';
    expect(parseEntry('qemu-aarch64', text)).toEqual({
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: '/usr/bin/qemu-aarch64-static',
      flags: 'PF',
    });
    expect(parseEntry('x', 'disabled\ninterpreter /x\nflags: \n').enabled).toBe(false);
  });

  it('registers what is missing, keeps healthy entries, and re-registers on reset', async () => {
    const fake = new FakeBinfmt();
    fake.entries.set('qemu-aarch64', {
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: '/gone',
      flags: 'F',
    });
    fake.entries.set('qemu-arm', {
      name: 'qemu-arm',
      enabled: true,
      interpreter: '/gone',
      flags: 'OC',
    });
    const wanted = [arch('aarch64'), arch('arm'), arch('riscv64')];
    const todo = await archesToRegister(fake, wanted, false);
    // aarch64 is pinned by F; arm has no F and its interpreter is gone: broken
    expect(todo.map((a) => a.qemu)).toEqual(['arm', 'riscv64']);
    await registerArches(
      fake,
      todo,
      new Map([
        ['arm', '/q/qemu-arm'],
        ['riscv64', '/q/qemu-riscv64'],
      ]),
      true,
    );
    expect(fake.log[0]).toBe('remove qemu-arm');
    expect(fake.entries.get('qemu-arm')).toMatchObject({ interpreter: '/q/qemu-arm', flags: 'PF' });
    expect(fake.entries.get('qemu-riscv64')?.flags).toBe('PF');
    expect((await archesToRegister(fake, wanted, true)).map((a) => a.qemu)).toEqual([
      'aarch64',
      'arm',
      'riscv64',
    ]);
  });

  it('fails when the kernel does not keep the F flag', async () => {
    const fake = new FakeBinfmt();
    fake.register = async (line: string) => {
      const name = line.split(':')[1] ?? '';
      fake.entries.set(name, { name, enabled: true, interpreter: '/x', flags: '' });
    };
    await expect(
      registerArches(fake, [arch('s390x')], new Map([['s390x', '/x']]), false),
    ).rejects.toThrow('did not take qemu-s390x with the F flag');
    await expect(registerArches(fake, [arch('mips64')], new Map(), false)).rejects.toThrow(
      'No emulator for mips64',
    );
  });

  it('lists runnable platforms: native first, then healthy entries', async () => {
    const fake = new FakeBinfmt();
    fake.entries.set('qemu-arm', {
      name: 'qemu-arm',
      enabled: true,
      interpreter: '/x',
      flags: 'F',
    });
    fake.entries.set('qemu-riscv64', {
      name: 'qemu-riscv64',
      enabled: false,
      interpreter: '/x',
      flags: 'F',
    });
    expect(await runnablePlatforms(fake, 'x86_64')).toEqual([
      'linux/amd64',
      'linux/386',
      'linux/arm/v7',
      'linux/arm/v6',
    ]);
  });
});
