import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCacheBackend } from '../../../src/cache/local.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'local-cache-'));
  mkdirSync(join(root, 'ws'));
  mkdirSync(join(root, 'home', 'cache'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('LocalCacheBackend', () => {
  it('round-trips paths relative to the workspace and never overwrites an entry', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 1e9, join(root, 'ws'));
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

  it('with keepExisting, leaves files already there as they are and adds the missing ones', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 1e9, join(root, 'ws'));
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

  it('declines to save when no path exists', async () => {
    const store = new LocalCacheBackend(join(root, 'store'), 1e9, join(root, 'ws'));
    expect(await store.save([join(root, 'missing')], 'k')).toBe(false);
  });

  it('removes the least recently restored entries past the size limit', async () => {
    // each entry is a 20 KiB tar: two fit, a third does not
    const store = new LocalCacheBackend(join(root, 'store'), 45_000, join(root, 'ws'));
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
