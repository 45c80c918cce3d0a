/**
 * The stages of a Dockerfile and what each is built FROM, as BuildKit's frontend reads them:
 * continuation lines joined, comments dropped, global ARGs (those before the first FROM,
 * overridden by build args) substituted in the FROM line, a `--platform` flag read for the
 * platform the stage's base is used on. Pure: enough to know every stage's base, not a
 * Dockerfile interpreter.
 */

import { formatPlatform, type Platform } from '../../oci/platform.js';

/**
 * The platform a stage's base is used on whatever the target: BuildKit's own (`$BUILDPLATFORM`,
 * or its parts `$BUILDOS`/`$BUILDARCH`), or one the flag names. Without the flag, or with
 * `$TARGETPLATFORM`, each target platform's.
 */
export type StagePlatform = { kind: 'build' } | { kind: 'named'; platform: string };

export interface Stage {
  /** Position among the FROMs, from 0. */
  index: number;
  /** The `AS` name, lower-cased as BuildKit compares them. */
  name?: string;
  /** The base as the FROM line gives it, ARGs substituted. */
  base: string;
  /** An image from a registry, an earlier stage, or nothing. */
  kind: 'image' | 'stage' | 'scratch';
  /** From `--platform`; unset: the stage is built for each target platform. */
  platform?: StagePlatform;
}

/** What a `--platform=` value asks for, its global ARGs substituted. */
function stagePlatform(value: string, globals: Record<string, string>): StagePlatform | undefined {
  if (/\$\{?BUILD(PLATFORM|OS|ARCH|VARIANT)\b/.test(value)) return { kind: 'build' };
  if (/\$\{?TARGET(PLATFORM|OS|ARCH|VARIANT)\b/.test(value)) return undefined;
  const platform = substitute(value, globals).trim();
  return platform ? { kind: 'named', platform } : undefined;
}

/** Instructions with their keyword upper-cased, continuation lines joined. */
function instructions(text: string): { keyword: string; rest: string }[] {
  const out: { keyword: string; rest: string }[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(whole);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), rest: m[2]! });
  }
  if (pending.trim()) {
    const m = /^(\S+)\s*(.*)$/.exec(pending.trim());
    if (m) out.push({ keyword: m[1]!.toUpperCase(), rest: m[2]! });
  }
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alternative}` from vars (unset = empty). */
export function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, braced: string | undefined, op: string | undefined, word: string | undefined, bare) => {
      const name = (braced ?? bare) as string;
      const set = vars[name] !== undefined && vars[name] !== '';
      if (op === '-') return set ? vars[name]! : (word ?? '');
      if (op === '+') return set ? (word ?? '') : '';
      return vars[name] ?? '';
    },
  );
}

/** `ARG A=1 B` → declared names with their defaults. */
function argDeclarations(rest: string): [string, string | undefined][] {
  return rest
    .split(/\s+/)
    .filter(Boolean)
    .map((decl) => {
      const eq = decl.indexOf('=');
      if (eq < 0) return [decl, undefined];
      return [decl.slice(0, eq), decl.slice(eq + 1).replace(/^"(.*)"$/, '$1')];
    });
}

/**
 * BuildKit's automatic platform ARGs, which FROM lines see without declaring them: the target
 * platform's and its own (the build platform's).
 */
export function platformArgs(target: Platform, build: Platform): Record<string, string> {
  return {
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
  };
}

/**
 * The stages as BuildKit reads them for one target platform: `platform` gives the automatic
 * platform ARGs (`platformArgs`), so `FROM base-${TARGETARCH}` names that platform's stage.
 */
export function parseStages(
  text: string,
  buildArgs: Record<string, string> = {},
  platform: Record<string, string> = {},
): Stage[] {
  const globals: Record<string, string> = { ...platform };
  const stages: Stage[] = [];
  for (const { keyword, rest } of instructions(text)) {
    if (keyword === 'ARG' && stages.length === 0) {
      // `ARG TARGETARCH` (no default) keeps the automatic value
      for (const [name, def] of argDeclarations(rest))
        globals[name] =
          buildArgs[name] ?? (def === undefined ? (globals[name] ?? '') : substitute(def, globals));
      continue;
    }
    if (keyword !== 'FROM') continue;
    const all = rest.split(/\s+/).filter(Boolean);
    const words = all.filter((w) => !w.startsWith('--'));
    const flag = all.find((w) => /^--platform=/i.test(w));
    const platform = flag ? stagePlatform(flag.slice('--platform='.length), globals) : undefined;
    const base = substitute(words[0] ?? '', globals);
    const name = words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
    const lower = base.toLowerCase();
    const kind =
      lower === 'scratch' ? 'scratch' : stages.some((s) => s.name === lower) ? 'stage' : 'image';
    stages.push({
      index: stages.length,
      ...(name ? { name } : {}),
      base,
      kind,
      ...(platform ? { platform } : {}),
    });
  }
  return stages;
}

/** The stage that is built: `target`, else the last. */
export function finalStage(stages: readonly Stage[], target?: string): Stage | undefined {
  if (!target) return stages[stages.length - 1];
  return stages.find((s) => s.name === target.toLowerCase());
}

/** The image a stage stands on in the end, following stage references (undefined for scratch). */
export function rootImage(stages: readonly Stage[], stage: Stage | undefined): string | undefined {
  for (let s = stage, hops = 0; s && hops <= stages.length; hops++) {
    if (s.kind === 'image') return s.base;
    if (s.kind === 'scratch') return undefined;
    const ref = s.base.toLowerCase();
    s = stages.find((o) => o.name === ref && o.index < s!.index);
  }
  return undefined;
}
