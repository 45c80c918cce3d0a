import { ValidationError } from '../../../../src/runtime/errors.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IMPORT_PATH_ACCEPTED,
  isGopathRepo,
  validateImportPath,
} from '../../../../src/tools/go/gopath.js';

describe('validateImportPath', () => {
  it.each(['github.com/acme/legacy', 'example.com/a/b_c/d-e.f', 'gopkg.in/yaml.v3'])(
    'accepts %s',
    (p) => expect(validateImportPath('import-path', p)).toBe(p),
  );
  it.each(['', '/abs/path', 'a/../b', 'a//b', 'a/./b', 'has space/x', 'a\\b'])('refuses %j', (p) =>
    expect(() => validateImportPath('import-path', p)).toThrow(
      new ValidationError('import-path', p, IMPORT_PATH_ACCEPTED),
    ),
  );
});

describe('isGopathRepo', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'gantry-gopath-'));
    mkdirSync(join(ws, 'repo', 'cmd', 'server'), { recursive: true });
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('is GOPATH mode only with no go.mod or go.work at or above the directory, up to the workspace', async () => {
    const repo = join(ws, 'repo');
    const sub = join(repo, 'cmd', 'server');
    expect(await isGopathRepo(sub, repo)).toBe(true);
    writeFileSync(join(repo, 'go.mod'), 'module example.com/x\n');
    expect(await isGopathRepo(sub, repo)).toBe(false);
    expect(await isGopathRepo(repo, repo)).toBe(false);
    rmSync(join(repo, 'go.mod'));
    writeFileSync(join(repo, 'cmd', 'go.work'), 'go 1.22\n');
    expect(await isGopathRepo(sub, repo)).toBe(false);
    // above the workspace does not count: the checkout is what it is
    rmSync(join(repo, 'cmd', 'go.work'));
    writeFileSync(join(ws, 'go.mod'), 'module outside\n');
    expect(await isGopathRepo(sub, repo)).toBe(true);
  });
});
