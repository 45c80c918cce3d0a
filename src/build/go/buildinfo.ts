import { open } from 'node:fs/promises';

/** The header Go (1.18+) writes at the start of a binary's build info, 16-byte aligned. */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER = 32;
/** Build info with its strings inline (every Go since 1.18 writes this form). */
const FLAG_INLINE = 0x2;
const CHUNK = 1 << 20;

function readVarint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let shift = 0, i = at; i < buf.length && shift < 35; shift += 7, i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: i + 1 };
  }
  return undefined;
}

/**
 * The Go version that built a binary (`go1.23.4`), read from its build info as `go version <file>`
 * does — ELF, PE and Mach-O alike, since the header is found by its magic. Undefined when the
 * binary has none (not Go, or too old to write the inline form).
 */
export async function readGoVersion(file: string): Promise<string | undefined> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK + HEADER + 64);
    for (let pos = 0; ; pos += CHUNK) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead < MAGIC.length) return undefined;
      const view = buf.subarray(0, bytesRead);
      for (let at = view.indexOf(MAGIC); at >= 0 && at < CHUNK; at = view.indexOf(MAGIC, at + 1)) {
        if ((pos + at) % 16 !== 0) continue;
        // the read reaches HEADER + 64 bytes past any match before CHUNK: no second read
        const header = view.subarray(at, at + HEADER + 64);
        if (header.length <= HEADER || !((header[15] ?? 0) & FLAG_INLINE)) return undefined;
        const len = readVarint(header, HEADER);
        if (!len || len.value === 0 || len.value > 64) return undefined;
        const version = header.subarray(len.next, len.next + len.value).toString('utf8');
        return /^go\d/.test(version) || /^devel/.test(version) ? version : undefined;
      }
      if (bytesRead < buf.length) return undefined;
    }
  } finally {
    await fh.close();
  }
}
