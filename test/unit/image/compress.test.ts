import { randomBytes } from 'node:crypto';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { compressPieces, pieceSize, type CompressionOptions } from '../../../src/image/compress.js';
import { refuseDockerBase } from '../../../src/image/assemble.js';
import { MediaType } from '../../../src/oci/mediatypes.js';
import { ValidationError } from '../../../src/runtime/errors.js';

const PIECE = pieceSize('gzip');

/** Text-like and random stretches, as a binary has both. */
function sample(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += 4096) {
    const block =
      (at / 4096) % 3 === 0
        ? randomBytes(4096)
        : Buffer.from(`func main() { println(${at}) }\n`.repeat(200));
    block.copy(out, at, 0, Math.min(4096, size - at));
  }
  return out;
}

async function* inChunks(buf: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < buf.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield buf.subarray(at, at + n);
    at += n;
  }
}

async function compress(input: AsyncIterable<Buffer>, o: CompressionOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of compressPieces(input, o)) parts.push(p);
  return Buffer.concat(parts);
}

describe('compressing a layer in pieces', () => {
  const sizes = [0, 1, PIECE - 1, PIECE, PIECE + 1, Math.floor(3.5 * PIECE)];

  it.each(sizes)('gzip of %i bytes is one gzip member that inflates to the input', async (n) => {
    const input = sample(n);
    const out = await compress(inChunks(input, [777, PIECE, 65_536]), {
      compression: 'gzip',
      level: 1,
    });
    expect(gunzipSync(out).equals(input)).toBe(true);
    // one member: the whole body is a single deflate stream, and the trailer is its CRC and size
    expect(out.subarray(0, 3).equals(Buffer.from([0x1f, 0x8b, 8]))).toBe(true);
    expect(inflateRawSync(out.subarray(10, -8)).equals(input)).toBe(true);
    expect(out.readUInt32LE(out.length - 4)).toBe(n);
  });

  it('writes the same bytes however the input is cut and however many pieces run at once', async () => {
    const input = sample(Math.floor(2.7 * PIECE));
    const outs = await Promise.all(
      [
        { cut: [PIECE], parallel: 1 },
        { cut: [333, 70_000], parallel: 3 },
        { cut: [input.length], parallel: 2 },
      ].map(({ cut, parallel }) =>
        compress(inChunks(input, cut), { compression: 'gzip', level: 1, parallel: () => parallel }),
      ),
    );
    expect(outs[1]!.equals(outs[0]!)).toBe(true);
    expect(outs[2]!.equals(outs[0]!)).toBe(true);
  });

  it('asks how many pieces may run before each one', async () => {
    const asked: number[] = [];
    let calls = 0;
    await compress(inChunks(sample(4 * PIECE), [PIECE]), {
      compression: 'gzip',
      level: 1,
      parallel: () => {
        asked.push(++calls);
        return calls > 2 ? 2 : 1;
      },
    });
    expect(asked.length).toBeGreaterThanOrEqual(4);
  });
});

describe('zstd with a Docker v2 base', () => {
  const base = (mediaType: string) => ({
    perPlatform: new Map([['linux/arm64', { manifestMediaType: mediaType }]]),
  });

  it('is refused, naming the input, the base and the platform', () => {
    let refusal: unknown;
    try {
      refuseDockerBase(
        'compression',
        'zstd',
        'docker.io/library/alpine:3.20',
        base(MediaType.dockerManifest),
      );
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as Error).message).toMatch(
      /"compression".*alpine:3\.20 is a Docker v2 image for linux\/arm64.*got "zstd"/,
    );
  });

  it('an OCI base is fine', () => {
    expect(() =>
      refuseDockerBase('compression', 'zstd', 'x', base(MediaType.ociManifest)),
    ).not.toThrow();
  });
});
