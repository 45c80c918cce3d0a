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

/** New build-cache content below this, after an exact restore, is not worth a new entry. */
export const MIN_NEW_BYTES = 1 << 20;
export const MIN_NEW_SHARE = 0.05;

/**
 * Is what a build added to its cache worth saving? After a restore under another key (or none),
 * anything new is; after an exact restore only real new work is — at least MIN_NEW_BYTES or
 * MIN_NEW_SHARE of the cache. Go writes a few hundred bytes of bookkeeping even on a build that
 * compiled nothing, and saving for that would upload the whole cache again on every run.
 */
export function worthSaving(
  hit: 'exact' | 'partial' | 'none',
  newBytes: number,
  keptBytes: number,
): boolean {
  if (hit !== 'exact') return newBytes > 0;
  return newBytes >= MIN_NEW_BYTES || newBytes >= keptBytes * MIN_NEW_SHARE;
}
