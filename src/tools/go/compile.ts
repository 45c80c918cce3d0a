import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ValidationError } from '../../runtime/errors.js';
import type { Exec } from '../../runtime/exec.js';
import type { Platform } from '../../oci/platform.js';

/** What to do when `go` is missing: said the same by every action that runs it. */
export function goMissing(action: string): string {
  return `go is not on PATH; set up Go before ${action} (actions/setup-go; on Debian, golang-1.23-go puts it in /usr/lib/go-1.23/bin, which must be on PATH)`;
}

export const MAIN_ACCEPTED = 'a main package of the Go module in context, e.g. . or ./cmd/server';

/** Checks that `main` is a main package; returns the binary name (its last import path element). */
export async function checkMainPackage(
  exec: Exec,
  go: string,
  dir: string,
  main: string,
): Promise<string> {
  const r = await exec(go, ['list', '-f', '{{.Name}} {{.ImportPath}}', main], {
    cwd: dir,
    silent: true,
    allowFailure: true,
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split('\n')[0] ?? `go list exited ${r.exitCode}`;
    throw new ValidationError('main', main, MAIN_ACCEPTED, `go list: ${why}`);
  }
  const [name, importPath] = r.stdout.trim().split('\n')[0]?.split(' ') ?? [];
  if (name !== 'main')
    throw new ValidationError(
      'main',
      main,
      MAIN_ACCEPTED,
      `package ${name} (${importPath}) is not a main package`,
    );
  return importPath?.split('/').pop() ?? 'app';
}

/** The binary's name, as `go build` names it: the last element of the main package's import path. */
export function binaryName(dir: string, main: string): string {
  const clean = main.replace(/\/+$/, '');
  if (clean !== '.' && clean !== '') return clean.split('/').pop() ?? 'app';
  try {
    const module = /^module\s+(\S+)/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[1];
    if (module)
      return (
        module
          .replace(/\/v\d+$/, '')
          .split('/')
          .pop() ?? 'app'
      );
  } catch {
    // no go.mod: checkMainPackage reports it
  }
  return basename(resolve(dir));
}

export async function goVersion(exec: Exec, go: string): Promise<string> {
  return (await exec(go, ['env', 'GOVERSION'], { silent: true })).stdout.trim();
}

/**
 * Go build tags for binaries on the built-in static base: Go's own time zone database goes into
 * the binary (time/tzdata, ~450 KB), so time.LoadLocation works without /usr/share/zoneinfo and
 * follows the Go release that built it — reproducible, offline, no data of ours to keep current.
 */
export const STATIC_BASE_BUILD_TAGS = ['timetzdata'];

/** GOOS/GOARCH/GOARM for a platform. */
export function goPlatformEnv(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.architecture };
  if (p.architecture === 'arm' && p.variant) env.GOARM = p.variant.replace(/^v/, '');
  return env;
}

/** `go build` argv for one platform: static (CGO_ENABLED=0 in env), -trimpath, tags, ldflags. */
export function goBuildArgs(
  main: string,
  out: string,
  ldflags: readonly string[],
  tags: readonly string[] = [],
): string[] {
  return [
    'build',
    '-trimpath',
    ...(tags.length ? ['-tags', tags.join(',')] : []),
    ...(ldflags.length ? ['-ldflags', ldflags.join(' ')] : []),
    '-o',
    out,
    main,
  ];
}

/** Cross-compiles main for one platform; no emulation, the host's toolchain does every arch. */
export async function compileGo(
  exec: Exec,
  go: string,
  opts: {
    dir: string;
    main: string;
    platform: Platform;
    out: string;
    ldflags: readonly string[];
    tags?: readonly string[];
    env?: Record<string, string>;
    signal?: AbortSignal;
  },
): Promise<void> {
  await exec(go, goBuildArgs(opts.main, opts.out, opts.ldflags, opts.tags), {
    cwd: opts.dir,
    ...(opts.signal ? { signal: opts.signal } : {}),
    env: { ...process.env, ...(opts.env ?? {}), CGO_ENABLED: '0', ...goPlatformEnv(opts.platform) },
  });
}
