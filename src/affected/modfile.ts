/**
 * The parts of go.mod, go.work, go.sum and vendor/modules.txt that decide what a build reads: the
 * Go and toolchain lines, the required versions, the replacements, the sums. Pure parsers, as the
 * go command reads these files (comments, blocks, quoted paths).
 */

export interface ModFile {
  go: string;
  toolchain: string;
  /** module path → version (require lines; a go.work has none). */
  require: Map<string, string>;
  /** `old[ version]` → `new[ version]`. */
  replace: Map<string, string>;
  /** go.work: the module directories it uses. */
  use: string[];
}

/** The words of a line, a quoted word ("…" or `…`) as one; a // comment ends the line. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\/\/.*$)|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[3] !== undefined) break;
    out.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[4]!));
  }
  return out;
}

/** go.mod or go.work text; '' (a file that does not exist) is an empty file. */
export function parseModFile(text: string): ModFile {
  const mod: ModFile = { go: '', toolchain: '', require: new Map(), replace: new Map(), use: [] };
  let block = '';
  for (const raw of text.split(/\r?\n/)) {
    let w = words(raw);
    if (w.length === 0) continue;
    if (block) {
      if (w[0] === ')') {
        block = '';
        continue;
      }
      w = [block, ...w];
    } else if (w[1] === '(' && w.length === 2) {
      block = w[0]!;
      continue;
    }
    const [verb, ...args] = w;
    if (verb === 'go' && args[0]) mod.go = args[0];
    else if (verb === 'toolchain' && args[0]) mod.toolchain = args[0];
    else if (verb === 'require' && args.length >= 2) mod.require.set(args[0]!, args[1]!);
    else if (verb === 'use' && args[0]) mod.use.push(args[0]);
    else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      if (arrow > 0)
        mod.replace.set(args.slice(0, arrow).join(' '), args.slice(arrow + 1).join(' '));
    }
  }
  return mod;
}

/** go.sum or go.work.sum: `path version` → hash, for the sums of module contents (not /go.mod). */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const [path, version, hash] = line.trim().split(/\s+/);
    if (!path || !version || !hash || version.endsWith('/go.mod')) continue;
    sums.set(`${path} ${version}`, hash);
  }
  return sums;
}

/** vendor/modules.txt: module path → `version[ => replacement]`, for each `# ` module line. */
export function parseVendorModules(text: string): Map<string, string> {
  const modules = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('# ')) continue;
    const [path, ...rest] = line.slice(2).trim().split(/\s+/);
    if (path) modules.set(path, rest.join(' '));
  }
  return modules;
}

/** The keys whose values differ (added or removed keys too), each as `from → to`. */
export function movedKeys(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Map<string, string> {
  const moved = new Map<string, string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a !== b) moved.set(key, `${a ?? 'none'} → ${b ?? 'none'}`);
  }
  return moved;
}
