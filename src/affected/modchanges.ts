import { posix } from 'node:path';
import type { Change } from './changes.js';
import { movedKeys, parseModFile, parseSums, parseVendorModules } from './modfile.js';

/**
 * What a change to a file of Go's module system moved: every service that reads the file and
 * whose graph holds a package of a moved module (or every service reading it, for `whole`).
 */
export interface ModuleChange {
  /** The changed file, as the diff names it. */
  file: string;
  /**
   * Who reads it: go.mod and go.sum, the builds whose main modules include the one at `dir` (a
   * workspace's builds read every module's requirements) or that build a package of it; go.work,
   * go.work.sum and vendor/, the builds run at `dir`.
   */
  readers: { kind: 'module' | 'root'; dir: string };
  /**
   * The go line moved: every service building a package of the module at `readers.dir` (the
   * language version its packages are compiled with).
   */
  language?: string;
  /** The toolchain, a replace or the go.work moved: every service reading the file. */
  whole?: string;
  /** module path → `from → to`: a required or vendored version moved. */
  modules: Map<string, string>;
  /** `path version` → `from → to`: the sum of that exact module version moved. */
  sums: Map<string, string>;
}

/** The text of a file at a side of the change; '' where it does not exist. */
export type ReadAt = (side: 'base' | 'head', path: string) => Promise<string>;

const dirOf = (path: string) => posix.dirname(path);

/**
 * The module-system meaning of the changed files. `roots` are the directories builds run in
 * (module roots, workspace roots): only their vendor/ directories are read.
 */
export async function moduleChanges(
  changes: readonly Change[],
  roots: readonly string[],
  read: ReadAt,
): Promise<ModuleChange[]> {
  const out: ModuleChange[] = [];
  const both = async (path: string) => [await read('base', path), await read('head', path)];
  const vendorModules = new Map<string, Promise<string[]>>();
  for (const { path } of changes) {
    const name = posix.basename(path);
    if (name === 'go.mod' || name === 'go.work') {
      const [a, b] = (await both(path)).map(parseModFile);
      const language = a!.go !== b!.go ? `go ${a!.go || 'none'} → ${b!.go || 'none'}` : '';
      const whole = [
        ...(name === 'go.work' && language ? [language] : []),
        a!.toolchain !== b!.toolchain
          ? `toolchain ${a!.toolchain || 'none'} → ${b!.toolchain || 'none'}`
          : '',
        ...[...movedKeys(a!.replace, b!.replace)].map(([old, move]) => `replace ${old}: ${move}`),
        ...(name === 'go.work' && a!.use.join('\n') !== b!.use.join('\n') ? ['use'] : []),
      ].filter(Boolean);
      out.push({
        file: path,
        readers: { kind: name === 'go.mod' ? 'module' : 'root', dir: dirOf(path) },
        ...(language && name === 'go.mod' ? { language: `${path}: ${language}` } : {}),
        ...(whole.length ? { whole: `${path}: ${whole.join(', ')}` } : {}),
        modules: movedKeys(a!.require, b!.require),
        sums: new Map(),
      });
    } else if (name === 'go.sum' || name === 'go.work.sum') {
      const [a, b] = (await both(path)).map(parseSums);
      out.push({
        file: path,
        readers: { kind: name === 'go.sum' ? 'module' : 'root', dir: dirOf(path) },
        modules: new Map(),
        sums: movedKeys(a!, b!),
      });
    } else {
      const root = roots.find((r) => path.startsWith(r === '.' ? 'vendor/' : `${r}/vendor/`));
      if (root === undefined) continue;
      const txt = root === '.' ? 'vendor/modules.txt' : `${root}/vendor/modules.txt`;
      if (path === txt) {
        const [a, b] = (await both(path)).map(parseVendorModules);
        out.push({
          file: path,
          readers: { kind: 'root', dir: root },
          modules: movedKeys(a!, b!),
          sums: new Map(),
        });
        continue;
      }
      // a vendored file: the module whose directory holds it (the longest path that fits)
      if (!vendorModules.has(txt))
        vendorModules.set(
          txt,
          both(txt).then(([a, b]) => [
            ...new Set([...parseVendorModules(a!).keys(), ...parseVendorModules(b!).keys()]),
          ]),
        );
      const inVendor = path.slice(txt.length - 'modules.txt'.length);
      const module = (await vendorModules.get(txt)!)
        .filter((m) => inVendor.startsWith(`${m}/`))
        .sort((x, y) => y.length - x.length)[0];
      if (module)
        out.push({
          file: path,
          readers: { kind: 'root', dir: root },
          modules: new Map([[module, 'vendored files changed']]),
          sums: new Map(),
        });
    }
  }
  return out;
}
