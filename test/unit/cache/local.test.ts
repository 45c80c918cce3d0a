import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardSplit } from '../../../src/cache/gocache.js';
import { LocalCacheBackend } from '../../../src/cache/local.js';
import { tarOf } from './tar-writer.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'local-cache-'));
  mkdirSync(join(root, 'ws'));
  mkdirSync(join(root, 'home', 'cache'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('LocalCacheBackend', () => {
  it('round-trips each path relative to itself and never overwrites an entry', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    const file = join(root, 'home', 'cache', 'a');
    writeFileSync(file, 'one');
    expect(await store.save([join(root, 'home', 'cache'), join(root, 'ws', 'vendor')], 'k-1')).toBe(
      true,
    );
    writeFileSync(file, 'two');
    expect(await store.save([join(root, 'home', 'cache')], 'k-1')).toBe(false);
    rmSync(join(root, 'home'), { recursive: true });
    expect(await store.restore([join(root, 'home', 'cache')], 'k-2', ['k-'])).toBe('k-1');
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(await store.restore([], 'nothing', ['none-'])).toBeUndefined();
  });

  it('restores each path into whatever that path is now: another parent, another depth', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    const before = [join(root, 'a', 'gocache'), join(root, 'a', 'mod')];
    mkdirSync(join(before[0]!, '0a'), { recursive: true });
    writeFileSync(join(before[0]!, '0a', '0abc-d'), 'compiled');
    mkdirSync(join(before[1]!, 'cache'), { recursive: true });
    writeFileSync(join(before[1]!, 'cache', 'lock'), 'module');
    // a hard link is stored as one, and restored as one
    execFileSync('ln', [join(before[0]!, '0a', '0abc-d'), join(before[0]!, '0a', '0abc-e')]);
    expect(await store.save(before, 'k-1')).toBe(true);
    const after = [join(root, 'b', 'deeper', 'still', 'go-build'), join(root, 'm')];
    expect(await store.restore(after, 'k-1', [], { split: shardSplit(2) })).toBe('k-1');
    expect(readFileSync(join(after[0]!, '0a', '0abc-d'), 'utf8')).toBe('compiled');
    expect(readFileSync(join(after[0]!, '0a', '0abc-e'), 'utf8')).toBe('compiled');
    expect(readFileSync(join(after[1]!, 'cache', 'lock'), 'utf8')).toBe('module');
    expect(readdirSync(join(root, 'b', 'deeper', 'still'))).toEqual(['go-build']);
  });

  it("keeps each repository's entries apart, even in one directory", async () => {
    const dir = join(root, 'home', 'cache');
    writeFileSync(join(dir, 'a'), 'from acme/app');
    const mine = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    expect(await mine.save([dir], 'go-build-linux-amd64')).toBe(true);
    const theirs = new LocalCacheBackend(join(root, 'store'), 'other/repo', 1e9);
    expect(await theirs.restore([dir], 'go-build-linux-amd64', ['go-build-'])).toBeUndefined();
    expect(mine.dir).not.toBe(theirs.dir);
  });

  it.each([
    ['../ climbing', [{ name: '0/../../../escaped', body: 'pwned' }]],
    ['an absolute member', [{ name: '/ESCAPED_ABSOLUTE', body: 'pwned' }]],
    [
      'a link, then a file through it',
      [
        { name: '0/l', type: '2', link: '../../..' },
        { name: '0/l/escaped', body: 'pwned' },
      ],
    ],
  ])('refuses a poisoned entry (%s) whole: nothing is written anywhere', async (_, poison) => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    mkdirSync(store.dir, { recursive: true });
    // a good member first: the refusal must come before any extraction
    writeFileSync(
      join(store.dir, `${Date.now()}-k-1.tar`),
      tarOf([{ name: '0/ok', body: 'fine' }, ...poison]),
    );
    const target = join(root, 'home', 'cache', 'go-build');
    await expect(store.restore([target], 'k-1', [])).rejects.toThrow(
      /member ".*" (is absolute or climbs out|is a symbolic link).*nothing was restored/,
    );
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(root, 'escaped'))).toBe(false);
    expect(existsSync(join(root, 'home', 'escaped'))).toBe(false);
    expect(existsSync('/ESCAPED_ABSOLUTE')).toBe(false);
  });

  it('with keepExisting, leaves files already there as they are and adds the missing ones', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    const dir = join(root, 'home', 'cache');
    writeFileSync(join(dir, 'a'), 'saved a');
    writeFileSync(join(dir, 'b'), 'saved b');
    expect(await store.save([dir], 'k-1')).toBe(true);
    writeFileSync(join(dir, 'a'), 'kept a');
    rmSync(join(dir, 'b'));
    expect(await store.restore([dir], 'k-1', [], { keepExisting: true })).toBe('k-1');
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('kept a');
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('saved b');
    // without it, the entry's bytes win
    expect(await store.restore([dir], 'k-1', [])).toBe('k-1');
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('saved a');
  });

  /** Runs fn with `tar` a wrapper that logs each call's arguments, then runs script, then tar. */
  async function withTarWrapper<T>(script: string, fn: () => Promise<T>): Promise<T> {
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    const real = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(bin, 'tar'),
      `#!/bin/sh\necho "$*" >> "${join(root, 'tar.log')}"\n${script}\nexec ${real} "$@"\n`,
    );
    chmodSync(join(bin, 'tar'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      return await fn();
    } finally {
      process.env.PATH = path;
    }
  }
  const tarRuns = () => readFileSync(join(root, 'tar.log'), 'utf8').trim().split('\n');

  it("with split, extracts each pattern's members in a process of its own beside the rest", async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    const dir = join(root, 'home', 'cache');
    for (const shard of ['00', '7f', '80', 'ff']) {
      mkdirSync(join(dir, shard));
      writeFileSync(join(dir, shard, `${shard}aa-d`), `output ${shard}`);
    }
    writeFileSync(join(dir, 'README'), 'go cache');
    expect(await store.save([dir], 'k-1')).toBe(true);
    writeFileSync(join(dir, '80', '80aa-d'), 'kept');
    rmSync(join(dir, 'ff'), { recursive: true });
    rmSync(join(dir, '00'), { recursive: true });
    // a pattern that matches nothing extracts nothing and fails nothing
    const split = [...shardSplit(2), '[0-9a-f]no-such-shard'];
    expect(
      await withTarWrapper('', () =>
        store.restore([dir], 'k-1', [], { keepExisting: true, split }),
      ),
    ).toBe('k-1');
    expect(readdirSync(dir).sort()).toEqual(['00', '7f', '80', 'README', 'ff']);
    for (const shard of ['00', '7f', 'ff'])
      expect(readFileSync(join(dir, shard, `${shard}aa-d`), 'utf8')).toBe(`output ${shard}`);
    expect(readFileSync(join(dir, '80', '80aa-d'), 'utf8')).toBe('kept');
    const runs = tarRuns();
    expect(runs).toHaveLength(3);
    expect(runs.filter((r) => r.includes('--exclude=0/[89abcdef][0-9a-f]'))).toHaveLength(1);
    expect(runs.filter((r) => r.endsWith('-- 0/[89abcdef][0-9a-f]'))).toHaveLength(1);
  });

  it('with split, restores every entry of a fresh 256-shard cache, run after run', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    const dir = join(root, 'home', 'cache');
    const shards = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
    for (const shard of shards) {
      mkdirSync(join(dir, shard));
      writeFileSync(join(dir, shard, `${shard}aa-a`), shard);
    }
    expect(await store.save([dir], 'k-1')).toBe(true);
    // two tars making one directory at once failed about every other run: twenty runs
    for (let run = 0; run < 20; run++) {
      rmSync(join(root, 'home'), { recursive: true });
      await store.restore([dir], 'k-1', [], { keepExisting: true, split: shardSplit(2) });
      expect(readdirSync(dir).filter((d) => readdirSync(join(dir, d)).length)).toHaveLength(256);
    }
  });

  it('fails the restore when one of its processes fails, once all have ended', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    const dir = join(root, 'home', 'cache');
    for (const shard of ['00', '80']) {
      mkdirSync(join(dir, shard));
      writeFileSync(join(dir, shard, `${shard}aa-d`), 'output');
    }
    expect(await store.save([dir], 'k-1')).toBe(true);
    rmSync(dir, { recursive: true });
    // the split process fails at once; the other one is slow and must still finish first
    const script =
      'case "$*" in *"-- 0/[89abcdef]"*) echo "tar: simulated failure" >&2; exit 2;; esac\nsleep 0.3';
    await expect(
      withTarWrapper(script, () => store.restore([dir], 'k-1', [], { split: shardSplit(2) })),
    ).rejects.toThrow(/tar could not extract .*k-1\.tar: tar: simulated failure/);
    expect(readFileSync(join(dir, '00', '00aa-d'), 'utf8')).toBe('output');
    expect(tarRuns()).toHaveLength(2);
  });

  it('declines to save when no path exists', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 1e9);
    expect(await store.save([join(root, 'missing')], 'k')).toBe(false);
  });

  it('removes the least recently restored entries past the size limit', async () => {
    // each entry is a 20 KiB tar: two fit, a third does not
    const store = new LocalCacheBackend(join(root, 'store'), 'acme/app', 45_000);
    writeFileSync(join(root, 'home', 'cache', 'blob'), Buffer.alloc(10_000, 1));
    for (const key of ['a', 'b']) await store.save([join(root, 'home', 'cache')], key);
    // a is restored later than b was written: b is now the least recently used
    const entries = await store.entries();
    const a = entries.find((e) => e.key === 'a')!;
    const b = entries.find((e) => e.key === 'b')!;
    utimesSync(b.file, new Date(1000), new Date(1000));
    utimesSync(a.file, new Date(2000), new Date(2000));
    await store.save([join(root, 'home', 'cache')], 'c');
    expect((await store.entries()).map((e) => e.key).sort()).toEqual(['a', 'c']);
  });
});
