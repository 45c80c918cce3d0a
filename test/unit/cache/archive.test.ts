import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkArchive, UnsafeArchiveError } from '../../../src/cache/archive.js';
import { tarOf, type TarMember } from './tar-writer.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'archive-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(members: TarMember[]) {
  const file = join(dir, 'entry.tar');
  writeFileSync(file, tarOf(members));
  return checkArchive(file);
}

describe('checkArchive', () => {
  it('takes files, directories and links that stay inside their root, and names the roots', () => {
    const { roots } = check([
      { name: '0/', type: '5' },
      { name: '0/ab/', type: '5' },
      { name: '0/ab/abcd-d', body: 'output' },
      { name: '0/ab/same', type: '1', link: '0/ab/abcd-d' },
      { name: '0/ab/up', type: '2', link: '../ab/abcd-d' },
      { name: './1/vendor/modules.txt', body: '# x' },
    ]);
    expect([...roots].sort()).toEqual(['0', '1']);
  });

  it.each<[string, TarMember[], RegExp]>([
    ['an absolute member', [{ name: '/etc/cron.d/x', body: 'x' }], /absolute or climbs out/],
    ['a member that climbs out', [{ name: '0/../../x', body: 'x' }], /absolute or climbs out/],
    ['a member above every root', [{ name: '../x', body: 'x' }], /absolute or climbs out/],
    ['a file beside the roots', [{ name: 'x', body: 'x' }], /not under a cached path/],
    [
      'a symbolic link to an absolute path',
      [{ name: '0/l', type: '2', link: '/etc' }],
      /symbolic link to "\/etc", outside/,
    ],
    [
      'a symbolic link out of its root',
      [{ name: '0/a/l', type: '2', link: '../../1' }],
      /symbolic link to "..\/..\/1", outside/,
    ],
    [
      'a hard link to a file outside',
      [{ name: '0/l', type: '1', link: '/etc/passwd' }],
      /hard link to "\/etc\/passwd", outside/,
    ],
    [
      'a hard link into another root',
      [
        { name: '1/secret', body: 's' },
        { name: '0/l', type: '1', link: '1/secret' },
      ],
      /hard link to "1\/secret"/,
    ],
    [
      'a file written through a link the archive made',
      [
        { name: '0/sub/', type: '5' },
        { name: '0/l', type: '2', link: 'sub' },
        { name: '0/l/x', body: 'x' },
      ],
      /through a symbolic link the same archive made/,
    ],
    [
      'a member over a link the archive made',
      [
        { name: '0/l', type: '2', link: 'sub' },
        { name: '0/l', type: '5' },
      ],
      /through a symbolic link/,
    ],
    ['a device', [{ name: '0/tty', type: '3' }], /tar type "3"/],
  ])('refuses %s, naming the member', (_, members, why) => {
    let err: unknown;
    try {
      check(members);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).toMatch(/member ".*".*nothing was restored/);
  });
});
