import { ValidationError } from '../runtime/errors.js';
import type { GitContext } from './context.js';
import { sanitizeTag } from './metadata.js';
import { isValidTag } from '../oci/reference.js';

/**
 * docker/metadata-action's `tags` rules and `flavor`, the same tags for the same git context:
 * type=schedule|semver|match|edge|ref|raw|sha with enable=, priority=, prefix=, suffix=, the
 * global expressions ({{branch}}, {{tag}}, {{sha}}, {{base_ref}}, {{is_default_branch}},
 * {{is_not_default_branch}}, {{date 'FORMAT'}}), sorted by priority, `latest` by the flavor.
 */

export const TAG_RULE_ACCEPTED =
  'metadata-action rules, one per line: type=schedule|semver|match|edge|ref|raw|sha with their attributes and enable=, priority=, prefix=, suffix= (or plain tags)';
export const FLAVOR_ACCEPTED =
  'latest=auto|true|false, prefix=<string>[,onlatest=true|false], suffix=<string>[,onlatest=true|false], one per line';

const TYPES = ['schedule', 'semver', 'match', 'edge', 'ref', 'raw', 'sha'] as const;
type RuleType = (typeof TYPES)[number];

const PRIORITY: Record<RuleType, number> = {
  schedule: 1000,
  semver: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

export interface TagRule {
  type: RuleType;
  attrs: Record<string, string>;
  priority: number;
}

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixOnLatest: boolean;
  suffix: string;
  suffixOnLatest: boolean;
}

/** metadata-action's rules when `tags` is empty: the same tags a migrated workflow had. */
export const DEFAULT_TAG_RULES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr',
] as const;

/** A line is a rule when it starts with `type=`; anything else is a plain tag (type=raw). */
export function isRule(line: string): boolean {
  return /^type=/.test(line.trim());
}

/** CSV fields as metadata-action reads them: `"…"` quotes a field holding a comma. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

export function parseTagRule(input: string, line: string): TagRule {
  const attrs: Record<string, string> = {};
  for (const field of csvFields(line)) {
    const eq = field.indexOf('=');
    // type=raw,foo: a bare value
    if (eq < 0) attrs.value = field;
    else attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  const type = attrs.type as RuleType;
  if (!(TYPES as readonly string[]).includes(type))
    throw new ValidationError(input, line, TAG_RULE_ACCEPTED, `unknown type "${attrs.type}"`);
  if (type === 'ref' && !['branch', 'tag', 'pr'].includes(attrs.event ?? ''))
    throw new ValidationError(input, line, TAG_RULE_ACCEPTED, 'type=ref needs event=branch|tag|pr');
  if ((type === 'semver' || type === 'match') && !attrs.pattern)
    throw new ValidationError(input, line, TAG_RULE_ACCEPTED, `type=${type} needs pattern=`);
  if (type === 'sha' && attrs.format && !['short', 'long'].includes(attrs.format))
    throw new ValidationError(input, line, TAG_RULE_ACCEPTED, 'format=short|long');
  const priority = attrs.priority === undefined ? PRIORITY[type] : Number(attrs.priority);
  if (!Number.isInteger(priority))
    throw new ValidationError(input, line, TAG_RULE_ACCEPTED, 'priority= takes a whole number');
  return { type, attrs, priority };
}

export function parseFlavor(input: string, lines: readonly string[]): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixOnLatest: false,
    suffix: '',
    suffixOnLatest: false,
  };
  // as metadata-action reads it: every field of a line, key and value trimmed, the key in any
  // case; onlatest= applies to the prefix or suffix before it on that line
  for (const line of lines) {
    let onLatestOf: 'prefix' | 'suffix' | undefined;
    for (const field of csvFields(line)) {
      const eq = field.indexOf('=');
      if (eq < 0) throw new ValidationError(input, line, FLAVOR_ACCEPTED, 'key=value fields');
      const key = field.slice(0, eq).trim().toLowerCase();
      const value = field
        .slice(eq + 1)
        .split('=')[0]!
        .trim();
      if (key === 'latest' && ['auto', 'true', 'false'].includes(value))
        flavor.latest = value as Flavor['latest'];
      else if (key === 'prefix' || key === 'suffix') {
        flavor[key] = value;
        onLatestOf = key;
      } else if (key === 'onlatest') {
        if (!['true', 'false'].includes(value))
          throw new ValidationError(input, line, FLAVOR_ACCEPTED, 'onlatest=true|false');
        if (onLatestOf) flavor[`${onLatestOf}OnLatest`] = value === 'true';
      } else throw new ValidationError(input, line, FLAVOR_ACCEPTED);
    }
  }
  return flavor;
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** moment-style date formats, in UTC: YYYY YY MM M DD D HH H mm ss SSS. */
function formatDate(date: Date, format: string): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const parts: Record<string, string> = {
    YYYY: String(date.getUTCFullYear()),
    YY: pad(date.getUTCFullYear() % 100),
    MM: pad(date.getUTCMonth() + 1),
    M: String(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    D: String(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    H: String(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    SSS: pad(date.getUTCMilliseconds(), 3),
  };
  return format.replace(/YYYY|YY|MM|M|DD|D|HH|H|mm|ss|SSS/g, (t) => parts[t]!);
}

interface Scope {
  ctx: GitContext;
  now: Date;
}

function branchOf(ctx: GitContext): string {
  return ctx.ref.startsWith('refs/heads/') ? ctx.ref.slice('refs/heads/'.length) : '';
}

function tagOf(ctx: GitContext): string {
  return ctx.ref.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : '';
}

/** The global expressions in prefix=, suffix=, value=, enable= and schedule's pattern=. */
export function expand(template: string, { ctx, now }: Scope): string {
  const isDefault = Boolean(ctx.defaultBranch) && branchOf(ctx) === ctx.defaultBranch;
  return template.replace(
    /\{\{\s*([a-z_]+)(?:\s+'([^']*)')?(?:\s+tz='([^']*)')?\s*\}\}/g,
    (all, name: string, arg?: string, tz?: string) => {
      if (tz && tz !== 'UTC') throw new Error(`tz='${tz}': only UTC is supported`);
      switch (name) {
        case 'branch':
          return sanitizeTag(branchOf(ctx));
        case 'tag':
          return sanitizeTag(tagOf(ctx));
        case 'sha':
          return ctx.sha.slice(0, 7);
        case 'base_ref':
          return ctx.baseRef ?? '';
        case 'is_default_branch':
          return String(isDefault);
        case 'is_not_default_branch':
          return String(!isDefault);
        case 'date':
        case 'commit_date':
          return formatDate(now, arg ?? 'YYYYMMDD');
        default:
          return all;
      }
    },
  );
}

interface Produced {
  values: string[];
  /** A release: `latest` under latest=auto. */
  latest: boolean;
}

/** What one rule gives for this git context (no prefix, suffix or flavor yet). */
function produce(rule: TagRule, scope: Scope): Produced {
  const { ctx } = scope;
  const a = rule.attrs;
  const none = { values: [], latest: false };
  switch (rule.type) {
    case 'schedule':
      return ctx.eventName === 'schedule'
        ? { values: [expand(a.pattern || 'nightly', scope)], latest: false }
        : none;
    case 'ref':
      if (a.event === 'branch' && branchOf(ctx)) return { values: [branchOf(ctx)], latest: false };
      if (a.event === 'tag' && tagOf(ctx)) return { values: [tagOf(ctx)], latest: true };
      if (
        a.event === 'pr' &&
        ctx.prNumber !== undefined &&
        ctx.eventName.startsWith('pull_request')
      )
        return { values: [String(ctx.prNumber)], latest: false };
      return none;
    case 'edge': {
      const branch = a.branch || ctx.defaultBranch;
      return branch && branchOf(ctx) === branch ? { values: ['edge'], latest: false } : none;
    }
    case 'sha':
      return ctx.sha
        ? { values: [a.format === 'long' ? ctx.sha : ctx.sha.slice(0, 7)], latest: false }
        : none;
    case 'raw':
      return { values: [expand(a.value ?? '', scope)], latest: false };
    case 'match': {
      const raw = a.value ? expand(a.value, scope) : tagOf(ctx);
      if (!raw) return none;
      const m = new RegExp(a.pattern!).exec(raw);
      const group = m?.[Number(a.group ?? 0)];
      return group ? { values: [group], latest: true } : none;
    }
    case 'semver': {
      let raw = a.value ? expand(a.value, scope) : tagOf(ctx);
      if (!raw) return none;
      if (a.match) {
        const m = new RegExp(a.match).exec(raw);
        if (!m) return none;
        raw = m[1] ?? m[0];
      }
      const v = SEMVER.exec(raw);
      if (!v) return none;
      const [, major, minor, patch, pre] = v as unknown as string[];
      const version = `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}`;
      // a prerelease extends only {{version}} (or {{raw}}): it moves too often for 1.2 or 1
      const pattern = pre && !a.pattern!.includes('{{raw}}') ? '{{version}}' : a.pattern!;
      const value = pattern.replace(
        /\{\{\s*(raw|version|major|minor|patch)\s*\}\}/g,
        (_, k: string) =>
          k === 'raw'
            ? raw
            : k === 'version'
              ? version
              : k === 'major'
                ? major!
                : k === 'minor'
                  ? minor!
                  : patch!,
      );
      return { values: [value], latest: !pre };
    }
  }
}

/**
 * The tags the rules give for this git context, highest priority first (the first is the
 * version), `latest` last as the flavor says.
 */
export function evaluateTagRules(
  input: string,
  rules: readonly TagRule[],
  flavor: Flavor,
  ctx: GitContext,
  now: Date = new Date(),
): { version: string; tags: string[] } {
  const scope = { ctx, now };
  const made: { tag: string; priority: number; order: number }[] = [];
  let release = false;
  rules.forEach((rule, order) => {
    let enabled: string;
    try {
      enabled = expand(rule.attrs.enable ?? 'true', scope);
    } catch (err) {
      throw new ValidationError(
        input,
        `enable=${rule.attrs.enable}`,
        TAG_RULE_ACCEPTED,
        (err as Error).message,
      );
    }
    if (enabled !== 'true') return;
    const out = produce(rule, scope);
    if (out.latest) release = true;
    const defaultPrefix =
      rule.type === 'sha' ? 'sha-' : rule.type === 'ref' && rule.attrs.event === 'pr' ? 'pr-' : '';
    const prefix = expand(rule.attrs.prefix ?? defaultPrefix, scope);
    const suffix = expand(rule.attrs.suffix ?? '', scope);
    for (const value of out.values) {
      if (!value) continue;
      const tag = sanitizeTag(`${flavor.prefix}${prefix}${value}${suffix}${flavor.suffix}`);
      made.push({ tag, priority: rule.priority, order });
    }
  });
  made.sort((x, y) => y.priority - x.priority || x.order - y.order);
  const tags = [...new Set(made.map((m) => m.tag))];
  if (flavor.latest === 'true' || (flavor.latest === 'auto' && release)) {
    const latest = `${flavor.prefixOnLatest ? flavor.prefix : ''}latest${flavor.suffixOnLatest ? flavor.suffix : ''}`;
    if (!tags.includes(latest)) tags.push(latest);
  }
  return { version: tags[0] ?? '', tags };
}

/**
 * The image's tags and version: metadata-action rules when given (plus plain tags), else the
 * plain tags, else metadata-action's default rules (DEFAULT_TAG_RULES). The version is the first
 * tag the rules give — the default rules' when only plain tags are given, so a tag named by hand
 * does not change the image — else sha-<7> of the commit. A tag made from a git ref (a branch
 * named `-`) that is not an OCI tag is refused, naming the ref it came from.
 */
export function imageTags(
  given: {
    input: string;
    accepted: string;
    tags: readonly string[];
    rules: readonly TagRule[];
    flavor: Flavor;
  },
  git: GitContext,
): { tags: string[]; version: string } {
  const rules = given.rules.length
    ? given.rules
    : DEFAULT_TAG_RULES.map((l) => parseTagRule(given.input, l));
  const ruled = evaluateTagRules(given.input, rules, given.flavor, git);
  const made = given.rules.length || !given.tags.length ? ruled.tags : [];
  const invalid = made.find((t) => !isValidTag(t));
  if (invalid !== undefined)
    throw new ValidationError(
      given.input,
      invalid,
      given.accepted,
      `the tags made for ${git.ref || 'this run'} include one that is not an OCI tag`,
    );
  const short = git.sha.slice(0, 7);
  return {
    tags: [...new Set([...made, ...given.tags])],
    version: ruled.version || (short ? `sha-${short}` : 'dev'),
  };
}
