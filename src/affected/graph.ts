import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { formatPlatform, type Platform } from '../oci/platform.js';
import type { Exec } from '../runtime/exec.js';
import { goPlatformEnv } from '../tools/go/compile.js';
import { parseModFile } from './modfile.js';

/** Where one `go list` runs: a go.work's directory, or a module outside any go.work. */
export interface BuildRoot {
  /** Relative to the services' directory, posix; '.' for itself. */
  dir: string;
  workspace: boolean;
  /** Its main modules' directories: a go.work's used modules, or the module itself. */
  modules: string[];
}

/** One package of a service's build, as `go list -deps` gives it. */
export interface GoPackage {
  importPath: string;
  name: string;
  /** Relative to the services' directory (posix); undefined outside it (GOROOT, module cache). */
  dir?: string;
  module?: { path: string; version: string; dir?: string };
  /** The files the build reads for this platform, relative like dir: Go, cgo, assembly, embedded. */
  files: string[];
  embedPatterns: string[];
  imports: string[];
  deps: string[];
  error?: string;
}

/** One root's packages for one platform. */
export interface Graph {
  root: BuildRoot;
  platform: string;
  packages: Map<string, GoPackage>;
}

const SKIP = (name: string) =>
  name === 'vendor' || name === 'testdata' || name === 'node_modules' || /^[._]/.test(name);

/** Every go.mod below dir (not in vendor/, testdata/, hidden or _ directories), as posix paths. */
function moduleDirs(dir: string, rel = '.'): string[] {
  const entries = readdirSync(join(dir, rel), { withFileTypes: true });
  const here = entries.some((e) => e.isFile() && e.name === 'go.mod') ? [rel] : [];
  return [
    ...here,
    ...entries
      .filter((e) => e.isDirectory() && !SKIP(e.name))
      .flatMap((e) => moduleDirs(dir, rel === '.' ? e.name : `${rel}/${e.name}`)),
  ];
}

/**
 * The roots: the go.work in dir, if any (its modules answer together), and every module it does
 * not use, on its own.
 */
export function buildRoots(dir: string): BuildRoot[] {
  const work = join(dir, 'go.work');
  const used = existsSync(work)
    ? new Set(
        parseModFile(readFileSync(work, 'utf8')).use.map((u) =>
          posix.normalize(u.replace(/\\/g, '/')),
        ),
      )
    : new Set<string>();
  const roots: BuildRoot[] = existsSync(work)
    ? [{ dir: '.', workspace: true, modules: [...used] }]
    : [];
  for (const m of moduleDirs(dir))
    if (!used.has(m)) roots.push({ dir: m, workspace: false, modules: [m] });
  return roots;
}

const FILE_FIELDS = [
  'GoFiles',
  'CgoFiles',
  'CFiles',
  'CXXFiles',
  'MFiles',
  'HFiles',
  'FFiles',
  'SFiles',
  'SwigFiles',
  'SwigCXXFiles',
  'SysoFiles',
  'EmbedFiles',
] as const;
const FIELDS = [
  'ImportPath',
  'Name',
  'Dir',
  'Standard',
  'Module',
  'EmbedPatterns',
  'Imports',
  'Deps',
  'Error',
  'DepsErrors',
  ...FILE_FIELDS,
];

interface Listed {
  ImportPath: string;
  Name?: string;
  Dir?: string;
  Standard?: boolean;
  Module?: { Path: string; Version?: string; Dir?: string; Replace?: { Dir?: string } };
  EmbedPatterns?: string[];
  Imports?: string[];
  Deps?: string[];
  Error?: { Err: string };
  DepsErrors?: { Err: string }[];
  [files: string]: unknown;
}

/** The objects of a stream of JSON values, as `go list -json` prints them one after another. */
export function parseJsonStream<T>(text: string): T[] {
  const out: T[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as T);
  }
  return out;
}

/**
 * Every package of a root for a platform and what each reads — one `go list -deps` for the whole
 * root, with the platform's GOOS/GOARCH and the build tags (cgo off unless the environment turns
 * it on, as gantry's go builder builds). `base` is the services' directory (absolute).
 */
export async function listGraph(
  exec: Exec,
  go: string,
  base: string,
  root: BuildRoot,
  platform: Platform,
  tags: readonly string[],
): Promise<Graph> {
  const cwd = join(base, root.dir);
  const r = await exec(
    go,
    [
      'list',
      '-e',
      '-deps',
      `-json=${FIELDS.join(',')}`,
      ...(tags.length ? ['-tags', tags.join(',')] : []),
      './...',
    ],
    {
      cwd,
      silent: true,
      env: {
        ...process.env,
        CGO_ENABLED: process.env.CGO_ENABLED ?? '0',
        ...goPlatformEnv(platform),
        ...(root.workspace ? {} : { GOWORK: 'off' }),
        PWD: cwd,
      },
    },
  );
  const inside = (abs: string | undefined) => {
    if (!abs) return undefined;
    const rel = relative(base, abs).split(sep).join('/');
    return rel === '' ? '.' : rel.startsWith('../') || rel === '..' ? undefined : rel;
  };
  const packages = new Map<string, GoPackage>();
  for (const p of parseJsonStream<Listed>(r.stdout)) {
    if (p.Standard) continue;
    const dir = inside(p.Dir);
    const files = dir
      ? FILE_FIELDS.flatMap((f) =>
          ((p[f] as string[] | undefined) ?? []).map((n) => posix.join(dir, n)),
        )
      : [];
    const errors = [p.Error?.Err, ...(p.DepsErrors ?? []).map((e) => e.Err)].filter(Boolean);
    const moduleDir = inside(p.Module?.Replace?.Dir ?? p.Module?.Dir);
    packages.set(p.ImportPath, {
      importPath: p.ImportPath,
      name: p.Name ?? '',
      ...(dir ? { dir } : {}),
      ...(p.Module
        ? {
            module: {
              path: p.Module.Path,
              version: p.Module.Version ?? '',
              ...(moduleDir ? { dir: moduleDir } : {}),
            },
          }
        : {}),
      files,
      embedPatterns: p.EmbedPatterns ?? [],
      imports: p.Imports ?? [],
      deps: p.Deps ?? [],
      ...(errors.length ? { error: errors[0]! } : {}),
    });
  }
  return { root, platform: formatPlatform(platform), packages };
}
