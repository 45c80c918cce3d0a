export const SAVE_POLICIES = ['auto', 'always', 'never'] as const;
export type SavePolicy = (typeof SAVE_POLICIES)[number];

export interface SaveContext {
  eventName: string;
  ref: string;
  defaultBranch?: string;
}

export interface SaveDecision {
  save: boolean;
  reason: string;
}

/**
 * Whether a run writes the cache. auto: only pushes and schedules on the default branch, and only
 * when what they hold is new — pull requests read the default branch's caches and never pollute
 * them. always: whenever it is new. never: read only.
 */
export function decideSave(policy: SavePolicy, ctx: SaveContext, isNew: boolean): SaveDecision {
  if (policy === 'never') return { save: false, reason: 'save: never' };
  if (!isNew) return { save: false, reason: 'unchanged since restore' };
  if (policy === 'always') return { save: true, reason: 'save: always' };
  if (ctx.eventName.startsWith('pull_request'))
    return { save: false, reason: 'pull request runs do not write the cache' };
  if (!ctx.defaultBranch)
    return { save: false, reason: 'default branch unknown (no event payload)' };
  if (ctx.ref !== `refs/heads/${ctx.defaultBranch}`)
    return { save: false, reason: `not the default branch (${ctx.defaultBranch})` };
  return { save: true, reason: 'default branch, new content' };
}

/**
 * After an exact restore, new build-cache content is worth a new entry only when it is at least
 * MIN_NEW_SHARE of the cache and MIN_NEW_BYTES: Go writes a few hundred bytes of bookkeeping even
 * on a build that compiled nothing, and a one-line edit recompiles a package or two — saving for
 * either would upload the whole cache again on every push (245 MiB for examples/orders-api, to
 * keep ~1 MiB that the next edit replaces anyway).
 */
export const MIN_NEW_BYTES = 64 << 10;
export const MIN_NEW_SHARE = 0.05;

/**
 * Is what a build added to its cache worth saving? After a restore under another key (or none),
 * anything new is (new dependencies, a new Go); after an exact restore only real new work is.
 */
export function worthSaving(
  hit: 'exact' | 'partial' | 'none',
  newBytes: number,
  keptBytes: number,
): boolean {
  if (hit !== 'exact') return newBytes > 0;
  return newBytes >= MIN_NEW_BYTES && newBytes >= keptBytes * MIN_NEW_SHARE;
}
