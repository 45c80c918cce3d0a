import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../src/runtime/errors.js';
import {
  CHECKOUT_ENV,
  isWithin,
  physicalPath,
  resolveInside,
} from '../../../src/runtime/workspace.js';

let root: string;
let ws: string;
let temp: string;
let outside: string;
const saved = { ...process.env };

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gantry-ws-')));
  ws = join(root, 'ws');
  temp = join(root, 'temp');
  outside = join(root, 'outside');
  for (const d of [ws, temp, outside, join(ws, 'sub')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(ws, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(outside, 'secret'), 'x');
  symlinkSync(join(outside, 'secret'), join(ws, 'leak'));
  symlinkSync(outside, join(ws, 'out-dir'));
  symlinkSync('sub', join(ws, 'in-dir'));
  symlinkSync(join(root, 'nowhere'), join(ws, 'dangling'));
  process.env.GITHUB_WORKSPACE = ws;
  process.env.RUNNER_TEMP = temp;
  delete process.env[CHECKOUT_ENV];
});

afterEach(() => {
  process.env = { ...saved };
  rmSync(root, { recursive: true, force: true });
});

const rule = { accepted: 'a path in the workspace' };

function failure(given: string, r: Parameters<typeof resolveInside>[2] = rule): string {
  try {
    resolveInside('context', given, r);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error(`${given} was accepted`);
}

describe('isWithin', () => {
  it.each([
    ['/a', '/a', true],
    ['/a', '/a/b', true],
    ['/a', '/ab', false],
    ['/a', '/', false],
    ['/a', '/a/../b', false],
    ['/a', '/a/..b', true],
  ])('%s holds %s: %s', (r, p, want) => expect(isWithin(r, p)).toBe(want));
});

describe('resolveInside', () => {
  it('resolves relative and absolute paths that stay in the workspace', () => {
    expect(resolveInside('context', '.', rule)).toBe(ws);
    expect(resolveInside('context', 'sub', { ...rule, kind: 'dir' })).toBe(join(ws, 'sub'));
    expect(resolveInside('file', join(ws, 'Dockerfile'), { ...rule, kind: 'file' })).toBe(
      join(ws, 'Dockerfile'),
    );
    expect(resolveInside('context', 'in-dir', { ...rule, kind: 'dir' })).toBe(join(ws, 'in-dir'));
    // an output that does not exist yet
    expect(resolveInside('oci-layout', 'new/layout', rule)).toBe(join(ws, 'new', 'layout'));
  });

  it.each([
    ['../outside', 'outside the workspace'],
    ['sub/../../outside', 'outside the workspace'],
    ['/etc', 'outside the workspace'],
    ['leak', 'a link leads outside the workspace'],
    ['out-dir/secret', 'a link leads outside the workspace'],
    ['out-dir/new-file', 'a link leads outside the workspace'],
    ['dangling', 'a link on the way leads nowhere'],
    ['dangling/x', 'a link on the way leads nowhere'],
  ])('refuses %s: %s', (given, detail) => {
    expect(failure(given)).toBe(
      `Input "context": ${detail}; got ${JSON.stringify(given)}; accepted: a path in the workspace`,
    );
  });

  it('checks kind', () => {
    expect(failure('missing', { ...rule, kind: 'dir' })).toContain('no such directory');
    expect(failure('Dockerfile', { ...rule, kind: 'dir' })).toContain('not a directory');
    expect(failure('sub', { ...rule, kind: 'file' })).toContain('not a file');
  });

  it('lets outputs go to RUNNER_TEMP only when the input says so', () => {
    const out = join(temp, 'gantry', 'scan.sarif');
    expect(failure(out)).toContain('outside the workspace');
    expect(resolveInside('sarif', out, { ...rule, scope: 'workspace-or-temp' })).toBe(out);
    expect(failure(join(outside, 'x'), { ...rule, scope: 'workspace-or-temp' })).toContain(
      'outside the workspace or RUNNER_TEMP',
    );
  });

  it('follows a checkout that go-cache moved into GOPATH, and nothing else', () => {
    const checkout = join(root, 'gopath', 'src', 'example.com', 'app');
    mkdirSync(join(checkout, 'cmd'), { recursive: true });
    symlinkSync(join(checkout, 'cmd'), join(ws, 'cmd'));
    expect(failure('cmd')).toContain('a link leads outside');
    process.env[CHECKOUT_ENV] = checkout;
    expect(resolveInside('context', 'cmd', { ...rule, kind: 'dir' })).toBe(join(ws, 'cmd'));
    expect(failure('leak')).toContain('a link leads outside');
  });
});

describe('physicalPath', () => {
  it('resolves the existing prefix and keeps the rest', () => {
    expect(physicalPath(join(ws, 'in-dir', 'a', 'b'))).toBe(join(ws, 'sub', 'a', 'b'));
    expect(physicalPath(join(ws, 'out-dir', 'x'))).toBe(join(outside, 'x'));
    expect(physicalPath(join(ws, 'dangling'))).toBeUndefined();
  });
});
