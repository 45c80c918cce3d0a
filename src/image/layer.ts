import { spaceError } from '../runtime/fs.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../oci/descriptor.js';
import { DigestingCounter, type Digest } from '../oci/digest.js';
import type { BlobSource } from '../oci/blob.js';
import {
  compressPieces,
  DEFAULT_COMPRESSION,
  LAYER_MEDIA_TYPE,
  pieceSize,
  type CompressionOptions,
} from './compress.js';

/** One entry of a layer. Paths are absolute in the image (`/usr/local/bin/app`). */
export interface LayerEntry {
  path: string;
  type: 'dir' | 'file' | 'symlink';
  mode: number;
  /** A file's content, or the host file to stream it from. */
  content?: Buffer;
  file?: string;
  size?: number;
  linkname?: string;
}

/** A built layer on disk: its (compressed) descriptor, the tar's diff_id, and how to read it. */
export interface BuiltLayer {
  descriptor: Descriptor;
  diffId: Digest;
  path: string;
  source: BlobSource;
}

const BLOCK = 512;
/**
 * Read in 1 MiB pieces: with the 64 KiB default a two-platform build spent twice as long in
 * stream callbacks as in zlib itself (bench/p1-edit-rebuild.ts).
 */
const CHUNK = 1 << 20;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  let total = len + String(len).length;
  if (String(total).length !== String(len).length) total = len + String(total).length;
  len = total;
  return Buffer.from(`${len}${body}`);
}

/** ustar's name/prefix split, or undefined when the name needs a PAX record. */
function splitName(name: string): { prefix: string; base: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  const cut = name.lastIndexOf('/', 155);
  if (cut > 0 && Buffer.byteLength(name.slice(cut + 1)) <= 100)
    return { prefix: name.slice(0, cut), base: name.slice(cut + 1) };
  return undefined;
}

function header(
  name: string,
  type: string,
  mode: number,
  size: number,
  mtime: number,
  linkname = '',
): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  // without a split, a PAX record before this header carries the full name
  const { prefix, base } = splitName(name) ?? { prefix: '', base: name.slice(0, 100) };
  h.write(base, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write(linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** The directories above each path, so every entry has its parents (as `docker save` layers do). */
export function withParents(entries: readonly LayerEntry[]): LayerEntry[] {
  const byPath = new Map(entries.map((e) => [e.path.replace(/\/+$/, ''), e]));
  for (const e of entries) {
    const parts = e.path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (!byPath.has(dir)) byPath.set(dir, { path: dir, type: 'dir', mode: 0o755 });
    }
  }
  return [...byPath.values()];
}

/**
 * A file's bytes, read so that each read ends on a multiple of `align` in the stream (which is at
 * `offset` when the file starts): a compressor taking pieces of that size copies nothing.
 */
async function* fileChunks(
  file: string,
  size: number,
  offset: number,
  align: number,
): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    let seen = 0;
    for (;;) {
      const want = align - ((offset + seen) % align);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      seen += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
    if (seen !== size)
      throw new Error(`${file} changed while it was layered (${seen} bytes, expected ${size})`);
  } finally {
    await fh.close();
  }
}

/** The tar stream of entries: sorted by path, uid/gid 0, one mtime — the same bytes every time. */
async function* tarStream(
  entries: readonly LayerEntry[],
  mtime: number,
  align = CHUNK,
): AsyncGenerator<Buffer> {
  let offset = 0;
  const out = (b: Buffer) => {
    offset += b.length;
    return b;
  };
  const sorted = withParents(entries)
    .map((e) => ({ ...e, name: e.path.replace(/^\/+/, '').replace(/\/+$/, '') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) {
    const name = e.type === 'dir' ? `${e.name}/` : e.name;
    const size = e.type === 'file' ? (e.content?.length ?? e.size ?? 0) : 0;
    if (!splitName(name)) {
      const pax = paxRecord('path', name);
      yield out(header(`PaxHeaders/${name.slice(0, 80)}`, 'x', 0o644, pax.length, mtime));
      yield out(pax);
      yield out(padding(pax.length));
    }
    const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
    yield out(header(name, type, e.mode, size, mtime, e.linkname ?? ''));
    if (e.type === 'file') {
      if (e.content) yield out(e.content);
      else if (e.file)
        for await (const chunk of fileChunks(e.file, size, offset, align)) yield out(chunk);
      yield out(padding(size));
    }
  }
  yield out(Buffer.alloc(BLOCK * 2, 0));
}

/** Passes the chunks on, hashed and counted (and handed to `also`, an upload that streams). */
async function* counted(input: AsyncIterable<Buffer>, counter: DigestingCounter) {
  for await (const chunk of input) {
    counter.update(chunk);
    yield chunk;
  }
}

/**
 * Writes a reproducible compressed tar layer to `out`, computing its digest and diff_id as it
 * goes; the compression runs in pieces, as many at once as `parallel` allows.
 */
export async function writeLayer(
  entries: readonly LayerEntry[],
  out: string,
  opts: { mtime: number; compression?: CompressionOptions },
): Promise<BuiltLayer> {
  const raw = new DigestingCounter();
  const packed = new DigestingCounter();
  const compression = opts.compression ?? DEFAULT_COMPRESSION;
  try {
    await pipeline(
      Readable.from(
        counted(
          compressPieces(
            counted(tarStream(entries, opts.mtime, pieceSize(compression.compression)), raw),
            compression,
          ),
          packed,
        ),
      ),
      createWriteStream(out),
    );
  } catch (err) {
    // at most the entries' own size: compressed, less
    throw await spaceError(
      err,
      out,
      entries.reduce((n, e) => n + (e.content?.length ?? e.size ?? 0), 0),
    );
  }
  return {
    descriptor: {
      mediaType: LAYER_MEDIA_TYPE[compression.compression],
      digest: packed.digest(),
      size: packed.size,
    },
    diffId: raw.digest(),
    path: out,
    source: (start, end) =>
      createReadStream(out, {
        highWaterMark: CHUNK,
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
      }),
  };
}
