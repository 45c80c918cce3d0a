import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeEntries } from '../../../src/image/tree.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-tree-'));
  mkdirSync(join(dir, 'css'));
  writeFileSync(join(dir, 'css', 'site.css'), 'body{}');
  writeFileSync(join(dir, 'index.html'), '<p>hi</p>');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('treeEntries', () => {
  it('lists files and directories under the image path, sorted, links as links', async () => {
    symlinkSync('css/site.css', join(dir, 'style.css'));
    symlinkSync('../index.html', join(dir, 'css', 'home.html'));
    const entries = await treeEntries({ name: 'static-dir', given: 'www' }, dir, '/srv/www');
    expect(entries.map((e) => [e.path, e.type, e.linkname ?? ''])).toEqual([
      ['/srv/www/css', 'dir', ''],
      ['/srv/www/css/home.html', 'symlink', '../index.html'],
      ['/srv/www/css/site.css', 'file', ''],
      ['/srv/www/index.html', 'file', ''],
      ['/srv/www/style.css', 'symlink', 'css/site.css'],
    ]);
    expect(entries.find((e) => e.path === '/srv/www/index.html')?.size).toBe(9);
  });

  it.each([
    ['an absolute link', '/etc/passwd', 'x'],
    ['a link that climbs out', '../outside', 'x'],
    ['a nested link that climbs out', '../../etc/hosts', 'css/x'],
  ])('refuses %s, naming the file', async (_, target, at) => {
    symlinkSync(target, join(dir, at));
    await expect(treeEntries({ name: 'static-dir', given: 'www' }, dir, '/static')).rejects.toThrow(
      `Input "static-dir": ${at} links to ${target}, outside it; got "www"; accepted: a directory of files, directories and relative links that stay inside it`,
    );
  });
});
