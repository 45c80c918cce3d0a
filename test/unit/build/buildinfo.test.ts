import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGoVersion } from '../../../src/build/go/buildinfo.js';

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
