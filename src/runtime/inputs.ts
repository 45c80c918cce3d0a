import * as core from './core.js';
import { ValidationError } from './errors.js';
import { resolveInside, type PathRule } from './workspace.js';

/** Reads an input the way the runner passes it (INPUT_<NAME>, spaces as underscores). */
export function readString(
  name: string,
  opts: { required?: boolean; fallback?: string } = {},
): string {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') {
    if (opts.required) throw new ValidationError(name, '', 'a non-empty value', 'required');
    return opts.fallback ?? '';
  }
  return value;
}

/**
 * A list split on newlines and commas, trimmed, empties and `#` comment lines dropped.
 * With `newlineOnly`, commas stay inside items (for values such as annotations that may hold them).
 */
export function readList(name: string, opts: { newlineOnly?: boolean } = {}): string[] {
  return splitList(core.getInput(name, { trimWhitespace: false }), opts);
}

/**
 * A list that, when given at all, must hold an item: `platforms: ",,"` is a mistake, not a
 * request for the default.
 */
export function readListOf(name: string, accepted: string): string[] {
  const raw = core.getInput(name, { trimWhitespace: false });
  const items = splitList(raw);
  if (raw.trim() !== '' && items.length === 0)
    throw new ValidationError(name, raw, accepted, 'no items, only separators');
  return items;
}

export function splitList(raw: string, opts: { newlineOnly?: boolean } = {}): string[] {
  const lines = raw.split(/\r?\n/).filter((l) => !l.trim().startsWith('#'));
  const items = opts.newlineOnly ? lines : lines.flatMap((l) => l.split(','));
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** A strict boolean (YAML 1.2 core schema spellings); anything else is a ValidationError. */
export function readBoolean(name: string, fallback: boolean): boolean {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new ValidationError(name, value, 'true | false');
}

/** One of a fixed set of values. */
export function readEnum<T extends string>(name: string, values: readonly T[], fallback: T): T {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') return fallback;
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new ValidationError(name, value, values.join(' | '));
}

/** A whole number within bounds. */
export function readInteger(
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    throw new ValidationError(name, value, `a whole number from ${min} to ${max}`);
  }
  return n;
}

/** A secret: masked in the log the moment it is read. */
export function readSecret(name: string): string {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value !== '') core.setSecret(value);
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
  t: 1e12,
  tb: 1e12,
  tib: 2 ** 40,
};

/** A size in bytes: a number with an optional unit (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB). */
export function readByteSize(name: string, fallback: number): number {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(value);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined || Number(m[1]) <= 0)
    throw new ValidationError(name, value, 'a size such as 5GiB, 500MB or 1073741824 (bytes)');
  return Math.round(Number(m[1]) * unit);
}

/**
 * A path input, resolved against the workspace and held inside it (see workspace.ts): the one
 * reader every action uses, so no action resolves a path on its own. '' when not given.
 */
export function readPath(name: string, rule: PathRule & { fallback?: string }): string {
  const value = readString(name, rule.fallback === undefined ? {} : { fallback: rule.fallback });
  return value === '' ? '' : resolveInside(name, value, rule);
}

/**
 * Runs `fn` with exactly these inputs (names as an action.yml spells them) in place of the
 * process's own: the root action runs each stage's main in its one process, as the stage's own
 * step would run with its `with:`. The process's inputs are back when `fn` settles.
 */
export async function withInputs<T>(
  inputs: Readonly<Record<string, string>>,
  fn: () => Promise<T>,
): Promise<T> {
  const own = Object.entries(process.env).filter(([k]) => k.startsWith('INPUT_'));
  for (const [k] of own) delete process.env[k];
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
    for (const [k, v] of own) process.env[k] = v;
  }
}
