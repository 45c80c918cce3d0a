/**
 * What a registry token grants on a repository, when the token says: Docker's token services
 * (Docker Hub, Quay, Harbor, GitLab, distribution's own) issue JWTs whose `access` claim lists
 * each repository's granted actions — fewer than were asked for when the user may do less. An
 * opaque token (GHCR's) says nothing: undefined.
 */
export function grantedActions(token: string, repository: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const access = (claims as { access?: unknown }).access;
  if (!Array.isArray(access)) return undefined;
  const actions = new Set<string>();
  for (const a of access as { type?: unknown; name?: unknown; actions?: unknown }[]) {
    if (a?.type !== 'repository' || a.name !== repository || !Array.isArray(a.actions)) continue;
    for (const action of a.actions) if (typeof action === 'string') actions.add(action);
  }
  return [...actions];
}
