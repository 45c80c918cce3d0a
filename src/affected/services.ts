import { posix } from 'node:path';
import { ValidationError } from '../runtime/errors.js';
import { matchesGlob } from './glob.js';
import type { Graph } from './graph.js';

/** A service: a main package, the image it becomes, and the other paths its image takes. */
export interface Service {
  name: string;
  /** The main package's directory, relative to the services' directory. */
  dir: string;
  importPath: string;
  /** The build root whose graphs hold it. */
  root: string;
  /** Its module's directory: build-push's context. */
  context: string;
  /** The main package relative to the context: build-push's main (./cmd/billing). */
  main: string;
  image: string;
  /** Paths and globs whose change rebuilds it besides its Go build. */
  paths: string[];
}

/** One line of the services input: which mains, and what to call them. */
export interface ServiceSpec {
  pattern: string;
  name?: string;
  image?: string;
  paths: string[];
}

export const SERVICES_ACCEPTED =
  'one line a service or glob of services: a main package directory (cmd/billing, services/*), then optional name=…, image=…, paths=a,b (more files and globs its image takes)';

const KEYS = ['name', 'image', 'paths'] as const;

export function parseServiceSpecs(input: string, lines: readonly string[]): ServiceSpec[] {
  return lines.map((line) => {
    const [pattern, ...pairs] = line.split(/\s+/);
    const spec: ServiceSpec = { pattern: posix.normalize(pattern!).replace(/\/$/, ''), paths: [] };
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq) as (typeof KEYS)[number];
      const value = pair.slice(eq + 1);
      if (eq < 1 || !KEYS.includes(key) || value === '')
        throw new ValidationError(
          input,
          line,
          SERVICES_ACCEPTED,
          `${pair} is not name=, image= or paths=`,
        );
      if (key === 'paths') spec.paths.push(...value.split(',').filter(Boolean));
      else spec[key] = value;
    }
    if (spec.pattern.startsWith('../') || spec.pattern === '..' || posix.isAbsolute(spec.pattern))
      throw new ValidationError(input, line, SERVICES_ACCEPTED, 'outside the directory');
    return spec;
  });
}

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** A name fit for a job, an artifact and an image: lower case, letters, digits and single . _ -. */
export function serviceName(dir: string, importPath: string): string {
  const base = dir === '.' ? importPath.split('/').at(-1)! : posix.basename(dir);
  return base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
}

/** The main packages of the graphs (any platform's), by directory. */
function mainsOf(graphs: readonly Graph[]) {
  const mains = new Map<string, { importPath: string; root: string; context: string }>();
  for (const g of graphs)
    for (const p of g.packages.values())
      if (p.name === 'main' && p.dir && p.module?.dir && !mains.has(p.dir))
        mains.set(p.dir, { importPath: p.importPath, root: g.root.dir, context: p.module.dir });
  return mains;
}

/**
 * The services: every main package, or those the specs name (each spec must name one). Their own
 * paths are their Dockerfile, Containerfile and .dockerignore, and what the spec adds.
 */
export function resolveServices(
  input: string,
  specs: readonly ServiceSpec[],
  graphs: readonly Graph[],
  imageTemplate: string,
): Service[] {
  const mains = mainsOf(graphs);
  const dirs = [...mains.keys()].sort();
  const chosen: { dir: string; spec?: ServiceSpec }[] = specs.length
    ? specs.flatMap((spec) => {
        const hits = dirs.filter((d) => d === spec.pattern || matchesGlob(d, spec.pattern));
        if (hits.length === 0)
          throw new ValidationError(
            input,
            spec.pattern,
            SERVICES_ACCEPTED,
            `no main package there (main packages: ${dirs.join(', ') || 'none'})`,
          );
        if (spec.name && hits.length > 1)
          throw new ValidationError(
            input,
            spec.pattern,
            SERVICES_ACCEPTED,
            `name= for ${hits.length} services`,
          );
        return hits.map((dir) => ({ dir, spec }));
      })
    : dirs.map((dir) => ({ dir }));
  const services = new Map<string, Service>();
  for (const { dir, spec } of chosen) {
    const m = mains.get(dir)!;
    const name = spec?.name ?? serviceName(dir, m.importPath);
    if (!NAME.test(name))
      throw new ValidationError(
        input,
        name,
        'a name of a-z, 0-9 and single . _ - inside',
        `the name of ${dir}`,
      );
    const other = services.get(name);
    if (other && other.dir !== dir)
      throw new ValidationError(
        input,
        name,
        'a name per service (name=…)',
        `both ${other.dir} and ${dir} are called so`,
      );
    if (other) continue;
    const own = ['Dockerfile', 'Containerfile', '.dockerignore'].map((f) => posix.join(dir, f));
    const rel = posix.relative(m.context, dir);
    services.set(name, {
      name,
      dir,
      importPath: m.importPath,
      root: m.root,
      context: m.context,
      main: rel === '' ? '.' : `./${rel}`,
      image: spec?.image ?? imageTemplate.replace(/\{name\}/g, name),
      paths: [...own, ...(spec?.paths ?? [])],
    });
  }
  return [...services.values()].sort((a, b) => a.name.localeCompare(b.name));
}
