import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineHits } from '../../../src/cache/backend.js';
import { buildKeys, hashDependencyFiles, hitKind, moduleKeys } from '../../../src/cache/keys.js';
import { pick } from '../../../src/cache/local.js';

const parts = {
  prefix: 'gantry-go',
  os: 'linux',
  arch: 'amd64',
  goVersion: 'go1.23.4',
  depsHash: 'abc123',
};

describe('cache keys', () => {
  it('falls back from the exact dependencies to the same Go, then to any Go', () => {
    expect(moduleKeys(parts)).toEqual({
      key: 'gantry-go-mod-linux-amd64-go1.23.4-abc123',
      restoreKeys: ['gantry-go-mod-linux-amd64-go1.23.4-', 'gantry-go-mod-linux-amd64-'],
    });
    expect(buildKeys(parts)).toEqual({
      key: 'gantry-go-build-linux-amd64-go1.23.4-abc123',
      restoreKeys: [
        'gantry-go-build-linux-amd64-go1.23.4-abc123-',
        'gantry-go-build-linux-amd64-go1.23.4-',
        'gantry-go-build-linux-amd64-',
      ],
    });
  });

  it('calls a fingerprinted build entry of the same dependencies exact, anything else partial', () => {
    const keys = buildKeys(parts);
    expect(hitKind(keys, `${keys.key}-0123456789abcdef`)).toBe('exact');
    expect(hitKind(keys, 'gantry-go-build-linux-amd64-go1.23.4-other-0123')).toBe('partial');
    expect(hitKind(keys, undefined)).toBe('none');
    expect(combineHits(['exact', 'exact'])).toBe('exact');
    expect(combineHits(['exact', 'none'])).toBe('partial');
    expect(combineHits(['none', 'none'])).toBe('none');
  });

  it('picks the exact key, else the newest entry for the first restore key that matches', () => {
    const entries = [
      { key: 'k-go1-aaa-1', created: 1 },
      { key: 'k-go1-aaa-2', created: 3 },
      { key: 'k-go1-bbb', created: 5 },
      { key: 'k-go2-ccc', created: 9 },
    ];
    expect(pick(entries, 'k-go1-bbb', ['k-go1-'])?.key).toBe('k-go1-bbb');
    expect(pick(entries, 'k-go1-aaa', ['k-go1-aaa-', 'k-go1-'])?.key).toBe('k-go1-aaa-2');
    expect(pick(entries, 'k-go1-zzz', ['k-go1-zzz-', 'k-go1-', 'k-'])?.key).toBe('k-go1-bbb');
    expect(pick(entries, 'x', ['y-'])).toBeUndefined();
  });
});

describe('hashDependencyFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deps-'));
    mkdirSync(join(dir, 'tools', 'testdata'), { recursive: true });
    mkdirSync(join(dir, 'vendor'), { recursive: true });
    writeFileSync(join(dir, 'go.sum'), 'a v1.0.0 h1:x=\n');
    writeFileSync(join(dir, 'tools', 'go.sum'), 'b v1.0.0 h1:y=\n');
    writeFileSync(join(dir, 'tools', 'testdata', 'go.sum'), 'ignored\n');
    writeFileSync(join(dir, 'vendor', 'modules.txt'), '# a v1.0.0\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('changes with any go.sum in the tree, not with testdata, and with vendor/modules.txt only when checked in', async () => {
    const base = await hashDependencyFiles(dir, false);
    writeFileSync(join(dir, 'tools', 'testdata', 'go.sum'), 'still ignored\n');
    expect(await hashDependencyFiles(dir, false)).toBe(base);
    writeFileSync(join(dir, 'vendor', 'modules.txt'), '# a v1.1.0\n');
    expect(await hashDependencyFiles(dir, false)).toBe(base);
    expect(await hashDependencyFiles(dir, true)).not.toBe(base);
    writeFileSync(join(dir, 'tools', 'go.sum'), 'b v1.1.0 h1:z=\n');
    expect(await hashDependencyFiles(dir, false)).not.toBe(base);
  });

  it('says nodeps for a module without dependencies', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'deps-'));
    expect(await hashDependencyFiles(empty, false)).toBe('nodeps');
    rmSync(empty, { recursive: true });
  });
});
