import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { withParents, writeLayer } from '../../../src/image/layer.js';
import { sha256Digest } from '../../../src/oci/digest.js';

describe('reproducible layers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'layer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const opts = { mtime: 1_700_000_000 };

  it('writes the same bytes whatever the entry order, with digest and diff_id of what it wrote', async () => {
    const bin = join(dir, 'app');
    writeFileSync(bin, Buffer.alloc(70_000, 7));
    const entries = [
      { path: '/usr/local/bin/app', type: 'file' as const, mode: 0o755, file: bin, size: 70_000 },
      {
        path: '/etc/passwd',
        type: 'file' as const,
        mode: 0o644,
        content: Buffer.from('root:x:0:0::/root:/sbin/nologin\n'),
      },
      { path: '/tmp', type: 'dir' as const, mode: 0o1777 },
    ];
    const a = await writeLayer(entries, join(dir, 'a.tgz'), opts);
    const b = await writeLayer([...entries].reverse(), join(dir, 'b.tgz'), opts);
    expect(readFileSync(a.path).equals(readFileSync(b.path))).toBe(true);
    expect(a.descriptor.digest).toBe(sha256Digest(readFileSync(a.path)));
    expect(a.descriptor.size).toBe(readFileSync(a.path).length);
    expect(a.diffId).toBe(sha256Digest(gunzipSync(readFileSync(a.path))));
  });

  it('is a tar that GNU tar lists with parents, modes, owner 0 and the fixed mtime', async () => {
    const long = `/srv/${'d'.repeat(90)}/${'f'.repeat(120)}.txt`;
    const layer = await writeLayer(
      [
        {
          path: '/usr/local/bin/app',
          type: 'file',
          mode: 0o755,
          content: Buffer.from('#!/bin/true\n'),
        },
        { path: '/tmp', type: 'dir', mode: 0o1777 },
        { path: '/usr/bin/app-link', type: 'symlink', mode: 0o777, linkname: '/usr/local/bin/app' },
        { path: long, type: 'file', mode: 0o644, content: Buffer.from('long name') },
      ],
      join(dir, 'l.tgz'),
      opts,
    );
    const listing = execFileSync('tar', ['-tvzf', layer.path, '--numeric-owner', '--full-time'], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    const lines = listing.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).slice(5).join(' '))).toEqual([
      'srv/',
      `srv/${'d'.repeat(90)}/`,
      `srv/${'d'.repeat(90)}/${'f'.repeat(120)}.txt`,
      'tmp/',
      'usr/',
      'usr/bin/',
      'usr/bin/app-link -> /usr/local/bin/app',
      'usr/local/',
      'usr/local/bin/',
      'usr/local/bin/app',
    ]);
    expect(lines.every((l) => l.includes(' 0/0 ') && l.includes('2023-11-14 22:13:20'))).toBe(true);
    expect(lines.find((l) => l.endsWith('tmp/'))?.startsWith('drwxrwxrwt')).toBe(true);
    expect(lines.find((l) => l.endsWith(' usr/local/bin/app'))?.startsWith('-rwxr-xr-x')).toBe(
      true,
    );
    execFileSync('tar', ['-xzf', layer.path, '-C', dir]);
    expect(readFileSync(join(dir, long.slice(1)), 'utf8')).toBe('long name');
  });

  it('adds missing parent directories once', () => {
    expect(
      withParents([
        { path: '/a/b/c', type: 'file', mode: 0o644 },
        { path: '/a', type: 'dir', mode: 0o700 },
      ]).map((e) => [e.path, e.mode]),
    ).toEqual([
      ['/a/b/c', 0o644],
      ['/a', 0o700],
      ['/a/b', 0o755],
    ]);
  });
});

describe('a full disk', () => {
  const root = process.getuid?.() === 0;
  if (!root) console.warn('skipped: a full disk is a 64 KiB tmpfs, and mounting one needs root');
  (root ? it : it.skip)('is said with the file and the room it needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layer-full-'));
    const small = join(dir, 'small');
    const bin = join(dir, 'app');
    writeFileSync(bin, randomBytes(1 << 20));
    execFileSync('mkdir', [small]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    try {
      const out = join(small, 'layer.tar.gz');
      const entries = [
        { path: '/app', type: 'file' as const, mode: 0o755, file: bin, size: 1 << 20 },
      ];
      await expect(writeLayer(entries, out, { mtime: 1_700_000_000 })).rejects.toThrow(
        new RegExp(
          `^No space left on the device to write ${out}: it needed about 1\\.0 MiB, 0\\.0 MiB are free there$`,
        ),
      );
    } finally {
      execFileSync('umount', [small]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
