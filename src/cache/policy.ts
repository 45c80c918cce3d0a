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
 * The events whose code is the default branch's own: a push to it, its schedule, a dispatch a
 * maintainer started. Every other event — pull_request*, issue_comment, workflow_run,
 * repository_dispatch, … — is how a pull request's code comes to run with a write token.
 */
export const SAVING_EVENTS: readonly string[] = ['push', 'schedule', 'workflow_dispatch'];

/**
 * Whether a run writes the cache. auto: only pushes, schedules and dispatches on the default
 * branch, and only when what they hold is new — every branch restores the default branch's
 * caches, so nothing else may write them. always: whenever it is new. never: read only.
 */
export function decideSave(policy: SavePolicy, ctx: SaveContext, isNew: boolean): SaveDecision {
  if (policy === 'never') return { save: false, reason: 'save: never' };
  if (!isNew) return { save: false, reason: 'unchanged since restore' };
  if (policy === 'always') return { save: true, reason: 'save: always' };
  if (ctx.eventName.startsWith('pull_request'))
    return { save: false, reason: 'pull request runs do not write the cache' };
  if (!SAVING_EVENTS.includes(ctx.eventName))
    return {
      save: false,
      reason: `${ctx.eventName || 'an unknown event'} runs do not write the cache (only ${SAVING_EVENTS.join(', ')})`,
    };
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

/**
 * A build cache restored exactly is saved again, without what this run left unused, when the
 * restore wrote many entries the build never read and this run compiled something; the figures
 * behind these thresholds are in docs/decisions/cache-saving.md.
 */
export const MIN_COMPILED_BYTES = 2 << 10;
export const UNUSED_PER_NEW = 4;
export const MIN_UNUSED_SHARE = 0.05;

export function worthSavingTrimmed(
  hit: 'exact' | 'partial' | 'none',
  entries: { new: number; newBytes: number; unusedRestored: number; afterRestore: number },
): boolean {
  return (
    hit === 'exact' &&
    entries.newBytes >= MIN_COMPILED_BYTES &&
    entries.unusedRestored >= entries.new * UNUSED_PER_NEW &&
    entries.unusedRestored >= entries.afterRestore * MIN_UNUSED_SHARE
  );
}
