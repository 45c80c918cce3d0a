import type { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

/** The hidden line that finds a sticky comment again: one per PR and header. */
export function commentMarker(header: string): string {
  return `<!-- gantry-summary:${header.replace(/-->/g, '')} -->`;
}

/** The login GITHUB_TOKEN's comments are written by. */
export const ACTIONS_BOT = 'github-actions[bot]';

/**
 * Who the token writes as: the user of a personal token, else (an installation token, which may
 * not read /user) the Actions bot.
 */
export async function tokenIdentity(octokit: Octokit): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 403 || status === 404) return ACTIONS_BOT;
    throw err;
  }
}

async function markedComments(
  octokit: Octokit,
  t: CommentTarget,
  marker: string,
  author: string,
): Promise<{ id: number; body?: string | null }[]> {
  const all = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: t.owner,
    repo: t.repo,
    issue_number: t.issueNumber,
    per_page: 100,
  });
  // anyone can write the marker: only the token's own comments are the sticky one
  return all
    .filter((c) => c.body?.includes(marker) && c.user?.login === author)
    .sort((a, b) => a.id - b.id);
}

/**
 * Creates or updates the one comment carrying `marker` written by the token's own identity;
 * anyone else's marked comment is never edited or deleted. Two runs racing may both create one;
 * each then keeps the oldest (updated with its body) and deletes the newer, so one remains.
 */
export async function upsertComment(
  octokit: Octokit,
  t: CommentTarget,
  marker: string,
  body: string,
): Promise<{ id: number; action: 'created' | 'updated' }> {
  const base = { owner: t.owner, repo: t.repo };
  let author = await tokenIdentity(octokit);
  const existing = await markedComments(octokit, t, marker, author);
  const keep = existing[0];
  if (keep) {
    await octokit.rest.issues.updateComment({ ...base, comment_id: keep.id, body });
    await removeExtras(octokit, t, existing.slice(1));
    return { id: keep.id, action: 'updated' };
  }
  const created = await octokit.rest.issues.createComment({
    ...base,
    issue_number: t.issueNumber,
    body,
  });
  // the API says who wrote what we just created: that is the token's identity for certain
  author = created.data.user?.login ?? author;
  const after = await markedComments(octokit, t, marker, author);
  const oldest = after[0];
  if (oldest && oldest.id !== created.data.id) {
    await octokit.rest.issues.updateComment({ ...base, comment_id: oldest.id, body });
    await removeExtras(octokit, t, after.slice(1));
    return { id: oldest.id, action: 'updated' };
  }
  return { id: created.data.id, action: 'created' };
}

async function removeExtras(
  octokit: Octokit,
  t: CommentTarget,
  extras: readonly { id: number }[],
): Promise<void> {
  for (const c of extras) {
    try {
      await octokit.rest.issues.deleteComment({ owner: t.owner, repo: t.repo, comment_id: c.id });
    } catch (err) {
      // the other run deleted it first
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
}
