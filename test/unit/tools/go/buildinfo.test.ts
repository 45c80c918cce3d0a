import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeBuildInfo, parseModInfo, readGoVersion } from '../../../../src/tools/go/buildinfo.js';

/** Go's build info header (1.18+): magic, pointer size, flags, padding to 32, then varint strings. */
function buildInfo(version: string, flags = 0x2): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = 8;
  header[15] = flags;
  const mod = 'path\texample.com/app\n';
  return Buffer.concat([
    header,
    Buffer.from([version.length]),
    Buffer.from(version),
    Buffer.from([mod.length]),
    Buffer.from(mod),
  ]);
}

describe('readGoVersion', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'buildinfo-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (...parts: Buffer[]) => {
    const f = join(dir, 'bin');
    writeFileSync(f, Buffer.concat(parts));
    return f;
  };

  it('reads the version after the 16-byte aligned header', async () => {
    expect(await readGoVersion(file(Buffer.alloc(4096, 0x90), buildInfo('go1.23.4')))).toBe(
      'go1.23.4',
    );
  });

  it('finds a header that straddles a read chunk, past an unaligned false start', async () => {
    const decoy = Buffer.concat([Buffer.alloc(3), buildInfo('go0.0.1')]); // at offset 3: skipped
    const pad = Buffer.alloc((1 << 20) - 16 - decoy.length, 1);
    expect(await readGoVersion(file(decoy, pad, buildInfo('go1.22.10')))).toBe('go1.22.10');
  });

  it('is undefined for a file without build info, or with the pre-1.18 pointer form', async () => {
    expect(await readGoVersion(file(Buffer.alloc(10_000, 0x41)))).toBeUndefined();
    expect(await readGoVersion(file(Buffer.alloc(16), buildInfo('go1.17', 0)))).toBeUndefined();
    expect(await readGoVersion(file(Buffer.alloc(0)))).toBeUndefined();
  });
});

describe('parseModInfo', () => {
  it('reads what go version -m prints: path, the main module, deps with their replacements, build settings', () => {
    const text = [
      'path\texample.com/svc/cmd/server',
      'mod\texample.com/svc\t(devel)\t',
      'dep\tgithub.com/go-chi/chi/v5\tv5.0.12\th1:9euLV5sTrTNTRUU9POmDUvfxyj6LAABLUcEWO+JJb4s=',
      'dep\tgolang.org/x/net\tv0.25.0',
      '=>\t../net\t(devel)\t',
      'build\t-tags=timetzdata',
      'build\t-ldflags="-s -w -X main.version=1.2.3"',
      'build\tvcs.revision=0123abc',
      '',
    ].join('\n');
    expect(parseModInfo('go1.23.4', text)).toEqual({
      goVersion: 'go1.23.4',
      path: 'example.com/svc/cmd/server',
      main: { path: 'example.com/svc', version: '(devel)' },
      deps: [
        {
          path: 'github.com/go-chi/chi/v5',
          version: 'v5.0.12',
          sum: 'h1:9euLV5sTrTNTRUU9POmDUvfxyj6LAABLUcEWO+JJb4s=',
        },
        {
          path: 'golang.org/x/net',
          version: 'v0.25.0',
          replace: { path: '../net', version: '(devel)' },
        },
      ],
      settings: {
        '-tags': 'timetzdata',
        '-ldflags': '-s -w -X main.version=1.2.3',
        'vcs.revision': '0123abc',
      },
    });
  });
});

describe('mergeBuildInfo', () => {
  it('keeps the first program’s info and adds every module another compiled in, once', () => {
    const mod = (path: string, version: string) => ({ path, version, sum: `h1:${path}` });
    const first = {
      goVersion: 'go1.23.4',
      path: 'example.com/app',
      deps: [mod('a.example/x', 'v1.0.0')],
      settings: { GOARCH: 'amd64' },
    };
    const probe = {
      ...first,
      path: 'example.com/app/cmd/probe',
      deps: [mod('a.example/x', 'v1.0.0'), mod('b.example/y', 'v0.2.0')],
    };
    expect(mergeBuildInfo(first, [probe])).toEqual({
      ...first,
      deps: [mod('a.example/x', 'v1.0.0'), mod('b.example/y', 'v0.2.0')],
    });
  });
});
