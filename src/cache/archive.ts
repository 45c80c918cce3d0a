import { closeSync, openSync, readSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * A cache archive is untrusted input: whoever could write the cache directory (another job on a
 * shared runner, an earlier run of a pull request) chose its bytes. Before anything is extracted,
 * every member of the tar is read and checked:
 *
 * - names are relative, with no `..` and under a root (the first component, one per cached path);
 * - a symbolic link points inside its own root, and a hard link names a member of it;
 * - nothing is written through a link the archive itself made (a member under, or over, an
 *   earlier symbolic link), which is how "link, then file" archives write anywhere;
 * - only files, directories and links: no devices, no FIFOs.
 *
 * One member refused refuses the whole archive: nothing is extracted.
 */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
  readonly expected = true;
  constructor(
    readonly file: string,
    readonly member: string,
    readonly why: string,
  ) {
    super(`${file}: member ${JSON.stringify(member)} ${why}; nothing was restored from it`);
  }
}

/** What an archive holds: its roots (first components, one per cached path). */
export interface ArchiveContents {
  roots: Set<string>;
}

const BLOCK = 512;

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function sizeOf(header: Buffer): number {
  const raw = header.subarray(124, 136);
  if ((raw[0] ?? 0) & 0x80) {
    // base-256 (GNU), for sizes past 8 GiB
    let n = (raw[0] ?? 0) & 0x7f;
    for (let i = 1; i < raw.length; i++) n = n * 256 + (raw[i] ?? 0);
    return n;
  }
  const text = field(header, 124, 12).trim();
  if (!/^[0-7]*$/.test(text)) return Number.NaN;
  return text ? parseInt(text, 8) : 0;
}

/** `len key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

/** A member name as tar will write it, relative; undefined when it climbs out or is absolute. */
function normalized(name: string): string | undefined {
  if (name.startsWith('/')) return undefined;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

/** Reads every header of an uncompressed tar and refuses it at the first unsafe member. */
export function checkArchive(file: string): ArchiveContents {
  const fd = openSync(file, 'r');
  const roots = new Set<string>();
  const links = new Set<string>();
  const read = (position: number, length: number): Buffer => {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, position);
    return buf.subarray(0, n);
  };
  try {
    let at = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax = new Map<string, string>();
    for (;;) {
      const header = read(at, BLOCK);
      if (header.length < BLOCK || header.every((b) => b === 0)) break;
      const size = sizeOf(header);
      if (!Number.isFinite(size)) throw new UnsafeArchiveError(file, '', 'has a malformed header');
      const type = String.fromCharCode(header[156] ?? 0);
      const dataAt = at + BLOCK;
      at = dataAt + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L' || type === 'K' || type === 'x') {
        const data = read(dataAt, size);
        if (type === 'L') longName = field(data, 0, data.length);
        else if (type === 'K') longLink = field(data, 0, data.length);
        else pax = paxRecords(data);
        continue;
      }
      if (type === 'g') continue;
      const ustarPrefix =
        field(header, 257, 6) === 'ustar' && header[262] === 0 ? field(header, 345, 155) : '';
      const rawName =
        pax.get('path') ??
        longName ??
        (ustarPrefix ? `${ustarPrefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      const rawLink = pax.get('linkpath') ?? longLink ?? field(header, 157, 100);
      longName = longLink = undefined;
      pax = new Map();

      const name = normalized(rawName);
      if (name === undefined)
        throw new UnsafeArchiveError(file, rawName, 'is absolute or climbs out with ..');
      const parts = name.split('/');
      if (parts.length < 2 && type !== '5')
        throw new UnsafeArchiveError(file, rawName, 'is not under a cached path');
      for (let i = 1; i <= parts.length; i++) {
        if (links.has(parts.slice(0, i).join('/')))
          throw new UnsafeArchiveError(
            file,
            rawName,
            'would be written through a symbolic link the same archive made',
          );
      }
      const root = parts[0] ?? '';
      roots.add(root);
      const inRoot = (target: string | undefined) =>
        target !== undefined && (target === root || target.startsWith(`${root}/`));
      switch (type) {
        case '0':
        case '\0':
        case '7':
        case '5':
          break;
        case '1':
          if (!inRoot(normalized(rawLink)))
            throw new UnsafeArchiveError(
              file,
              rawName,
              `is a hard link to ${JSON.stringify(rawLink)}, outside its cached path`,
            );
          break;
        case '2': {
          const target = rawLink.startsWith('/')
            ? undefined
            : normalized(posix.join(posix.dirname(name), rawLink));
          if (!inRoot(target))
            throw new UnsafeArchiveError(
              file,
              rawName,
              `is a symbolic link to ${JSON.stringify(rawLink)}, outside its cached path`,
            );
          links.add(name);
          break;
        }
        default:
          throw new UnsafeArchiveError(
            file,
            rawName,
            `is of tar type ${JSON.stringify(type)} (only files, directories and links are cached)`,
          );
      }
    }
  } finally {
    closeSync(fd);
  }
  return { roots };
}
