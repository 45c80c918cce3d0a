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

/** One module in a binary's build info: `mod` (the main module) or `dep`, as `go version -m` prints. */
export interface BuildInfoModule {
  path: string;
  version: string;
  /** Go's h1: checksum of the module (none for the main module built from a checkout). */
  sum?: string;
  /** A `replace` directive's target, which is what was actually compiled in. */
  replace?: BuildInfoModule;
}

/** What Go embeds in every binary it builds (runtime/debug.BuildInfo), read without running it. */
export interface BuildInfo {
  goVersion: string;
  /** The main package's import path. */
  path: string;
  main?: BuildInfoModule;
  deps: BuildInfoModule[];
  /** `build` lines: -tags, -ldflags, CGO_ENABLED, GOARCH, vcs.revision, … */
  settings: Record<string, string>;
}

/** The modinfo string is framed by 16-byte sentinels (cmd/go/internal/modload). */
const MODINFO_FRAME = 16;

/** Parses the text `go version -m` prints (and Go embeds): path, mod, dep, =>, build lines. */
export function parseModInfo(goVersion: string, text: string): BuildInfo {
  const info: BuildInfo = { goVersion, path: '', deps: [], settings: {} };
  let last: BuildInfoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...f] = line.replace(/^\t/, '').split('\t');
    const mod = (): BuildInfoModule => ({
      path: f[0] ?? '',
      version: f[1] ?? '',
      ...(f[2] ? { sum: f[2] } : {}),
    });
    if (kind === 'path') info.path = f[0] ?? '';
    else if (kind === 'mod') last = info.main = mod();
    else if (kind === 'dep') info.deps.push((last = mod()));
    else if (kind === '=>' && last) last.replace = mod();
    else if (kind === 'build') {
      const kv = f.join('\t');
      const eq = kv.indexOf('=');
      if (eq > 0) info.settings[kv.slice(0, eq)] = kv.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    }
  }
  return info;
}

/**
 * The build info of a Go binary — its Go version and module info — read as `go version -m <file>`
 * does: ELF, PE and Mach-O alike, since the header is found by its magic. Undefined when the
 * binary has none (not Go, or too old to write the inline form).
 */
export async function readBuildInfo(file: string): Promise<BuildInfo | undefined> {
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
        if (!/^go\d/.test(version) && !/^devel/.test(version)) return undefined;
        // the module info follows, its length a varint too
        const infoAt = pos + at + len.next + len.value;
        const lenBuf = Buffer.alloc(10);
        await fh.read(lenBuf, 0, 10, infoAt);
        const infoLen = readVarint(lenBuf, 0);
        if (!infoLen || infoLen.value < 2 * MODINFO_FRAME)
          return { goVersion: version, path: '', deps: [], settings: {} };
        const raw = Buffer.alloc(infoLen.value);
        await fh.read(raw, 0, infoLen.value, infoAt + infoLen.next);
        const text = raw.subarray(MODINFO_FRAME, raw.length - MODINFO_FRAME).toString('utf8');
        return parseModInfo(version, text);
      }
      if (bytesRead < buf.length) return undefined;
    }
  } finally {
    await fh.close();
  }
}

/** The Go version that built a binary (`go1.23.4`), as `go version <file>` reports it. */
export async function readGoVersion(file: string): Promise<string | undefined> {
  return (await readBuildInfo(file))?.goVersion;
}

/**
 * One image's build info when it holds several programs: the first's, with every module any of
 * them compiled in (each once, by path and version) — what the image's SBOM lists.
 */
export function mergeBuildInfo(first: BuildInfo, others: readonly BuildInfo[]): BuildInfo {
  const seen = new Set(first.deps.map((d) => `${d.path}@${d.version}`));
  const deps = [...first.deps];
  for (const d of others.flatMap((o) => o.deps)) {
    const key = `${d.path}@${d.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    deps.push(d);
  }
  return { ...first, deps };
}
