import { posix } from 'node:path';
import type { Change } from './changes.js';
import type { Graph, GoPackage } from './graph.js';
import type { ModuleChange } from './modchanges.js';
import { globRegExp, matchesGlob } from './glob.js';
import type { Service } from './services.js';

/** Why a service is rebuilt: the first change that reaches it, and how. */
export interface Reason {
  /** The changed file (or the module file), as the diff names it. */
  file: string;
  /** From the change to the service: the file, packages or modules, the service's main last. */
  chain: string[];
  /** The platforms it reaches, when not all of the service's. */
  platforms?: string[];
}

export const formatReason = (r: Reason) =>
  r.chain.join(' → ') + (r.platforms ? ` (${r.platforms.join(', ')} only)` : '');

/** How a package is named in a chain: its directory in the repository, else its import path. */
const label = (p: GoPackage) =>
  p.dir && !p.dir.split('/').includes('vendor') ? p.dir : p.importPath;

/** The packages from the main to `target`, by imports (breadth first: the shortest chain). */
function importChain(graph: Graph, main: string, target: string): GoPackage[] {
  const parent = new Map<string, string>([[main, '']]);
  const queue = [main];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === target) break;
    for (const next of graph.packages.get(at)?.imports ?? [])
      if (!parent.has(next) && graph.packages.has(next)) {
        parent.set(next, at);
        queue.push(next);
      }
  }
  const chain: GoPackage[] = [];
  for (let at = target; at; at = parent.get(at) ?? '') chain.push(graph.packages.get(at)!);
  return chain; // target first, main last
}

const GOOS = new Set(
  'aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos'.split(
    ' ',
  ),
);
const GOARCH = new Set(
  '386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm'.split(
    ' ',
  ),
);
const SOURCE = /\.(go|c|cc|cpp|cxx|m|h|hh|hpp|hxx|f|F|for|f90|s|S|sx|swig|swigcxx|syso)$/;

/** A file for `named` is built for `os` (android builds linux files, illumos solaris', ios darwin's). */
const isOS = (named: string, os: string) =>
  named === os ||
  (named === 'linux' && os === 'android') ||
  (named === 'solaris' && os === 'illumos') ||
  (named === 'darwin' && os === 'ios');

/**
 * Could a file that is gone have been built for the platform: a source file (not a test) whose
 * name's _GOOS/_GOARCH suffixes allow it (its //go:build line is gone with it, so it counts).
 */
function couldBuild(name: string, platform: string): boolean {
  if (!SOURCE.test(name) || name.endsWith('_test.go') || /^[._]/.test(name)) return false;
  const [os, arch] = platform.split('/');
  const parts = name.replace(/\.[^.]*$/, '').split('_');
  const last = parts.at(-1)!;
  const before = parts.at(-2);
  if (parts.length >= 3 && before && GOOS.has(before) && GOARCH.has(last))
    return isOS(before, os!) && last === arch;
  if (parts.length >= 2 && GOOS.has(last)) return isOS(last, os!);
  if (parts.length >= 2 && GOARCH.has(last)) return last === arch;
  return true;
}

/** Would the package have read a file that is now gone: a source in its directory, or an embedded one. */
function readGone(p: GoPackage, path: string, platform: string): boolean {
  if (!p.dir) return false;
  if (posix.dirname(path) === p.dir && couldBuild(posix.basename(path), platform)) return true;
  const rel = posix.relative(p.dir, path);
  if (rel.startsWith('../')) return false;
  return p.embedPatterns.some((pattern) => {
    const glob = pattern.replace(/^all:/, '');
    // a pattern names files, or directories whose files it takes
    const parts = rel.split('/');
    return parts.some((_, i) => matchesGlob(parts.slice(0, i + 1).join('/'), glob));
  });
}

/** The packages a service's main builds for a graph's platform (the main first). */
function buildOf(graph: Graph, main: string): GoPackage[] {
  const m = graph.packages.get(main);
  if (!m) return [];
  return [m, ...m.deps.map((d) => graph.packages.get(d)).filter((p): p is GoPackage => !!p)];
}

/** Each file a graph's packages read, and the packages that read it: made once a graph. */
const readersByGraph = new WeakMap<Graph, Map<string, GoPackage[]>>();
function readersOf(graph: Graph): Map<string, GoPackage[]> {
  let readers = readersByGraph.get(graph);
  if (!readers) {
    readers = new Map();
    for (const p of graph.packages.values())
      for (const f of p.files) readers.set(f, [...(readers.get(f) ?? []), p]);
    readersByGraph.set(graph, readers);
  }
  return readers;
}

/** The first way a change reaches the service's build on one platform. */
function reach(
  service: Service,
  graph: Graph,
  changes: readonly Change[],
  moduleChanges: readonly ModuleChange[],
): Reason | undefined {
  const main = service.importPath;
  const build = buildOf(graph, main);
  if (build.length === 0)
    return {
      file: service.dir,
      chain: [`${service.dir} is not a main package for ${graph.platform}`],
    };
  const broken = build.find((p) => p.error);
  if (broken)
    return { file: broken.dir ?? broken.importPath, chain: [`go list: ${broken.error!}`] };
  const through = (file: string, first: string, target: string) => ({
    file,
    chain: [first, ...importChain(graph, main, target).map(label)],
  });
  const builds = new Set(build.map((p) => p.importPath));
  for (const c of changes) {
    const hit =
      c.status === 'deleted'
        ? build.find((p) => readGone(p, c.path, graph.platform))
        : readersOf(graph)
            .get(c.path)
            ?.find((p) => builds.has(p.importPath));
    if (hit) return through(c.path, c.path, hit.importPath);
  }
  for (const m of moduleChanges) {
    const buildsModule = build.some((p) => p.module?.dir === m.readers.dir);
    const reads =
      m.readers.kind === 'root'
        ? graph.root.dir === m.readers.dir
        : buildsModule || graph.root.modules.includes(m.readers.dir);
    if (!reads) continue;
    if (m.whole) return { file: m.file, chain: [m.whole, label(build[0]!)] };
    if (m.language && buildsModule) return { file: m.file, chain: [m.language, label(build[0]!)] };
    for (const p of build) {
      if (!p.module) continue;
      const moved = m.modules.get(p.module.path);
      const summed = m.sums.get(`${p.module.path} ${p.module.version}`);
      if (moved || summed)
        return through(
          m.file,
          `${m.file}: ${p.module.path} ${moved ?? `${p.module.version} sum ${summed!}`}`,
          p.importPath,
        );
    }
  }
  return undefined;
}

/**
 * The services a change reaches, each with its reason: its own paths (Dockerfile, static files),
 * then its build on each platform — the graph of its root for that platform.
 */
export function selectServices(
  services: readonly Service[],
  graphs: readonly Graph[],
  changes: readonly Change[],
  moduleChanges: readonly ModuleChange[],
): Map<string, Reason> {
  const selected = new Map<string, Reason>();
  for (const s of services) {
    // a path names a file, a directory, or a glob of either
    const paths = s.paths.map((p) => ({ glob: globRegExp(p), dir: `${p}/` }));
    const own = changes.find((c) =>
      paths.some((p) => p.glob.test(c.path) || c.path.startsWith(p.dir)),
    );
    if (own) {
      selected.set(s.name, { file: own.path, chain: [own.path, `a path of ${s.name}`] });
      continue;
    }
    const mine = graphs.filter((g) => g.root.dir === s.root);
    const reached = mine
      .map((g) => ({ platform: g.platform, reason: reach(s, g, changes, moduleChanges) }))
      .filter((r) => r.reason);
    if (reached.length === 0) continue;
    const first = reached[0]!.reason!;
    selected.set(
      s.name,
      reached.length < mine.length
        ? { ...first, platforms: reached.map((r) => r.platform) }
        : first,
    );
  }
  return selected;
}
