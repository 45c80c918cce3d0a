import type { Exec } from '../../../src/runtime/exec.js';
import { asRoot, writeAsRoot } from '../../../src/runtime/privilege.js';

describe('privilege', () => {
  it('runs as is when root and through passwordless sudo otherwise', () => {
    expect(asRoot(['mount', '-t', 'binfmt_misc'], true)).toEqual(['mount', ['-t', 'binfmt_misc']]);
    expect(asRoot(['mount', '-t', 'binfmt_misc'], false)).toEqual([
      'sudo',
      ['-n', 'mount', '-t', 'binfmt_misc'],
    ]);
    expect(() => asRoot([], true)).toThrow('empty argv');
  });

  it('writes through sudo tee with the content on stdin, never in argv', async () => {
    const calls: unknown[] = [];
    const exec: Exec = async (file, args, opts) => {
      calls.push([file, args, opts?.input]);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    await writeAsRoot(exec, '/proc/sys/fs/binfmt_misc/register', ':qemu-x:M::', false);
    expect(calls).toEqual([
      ['sudo', ['-n', 'tee', '/proc/sys/fs/binfmt_misc/register'], ':qemu-x:M::'],
    ]);
  });
});
