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
