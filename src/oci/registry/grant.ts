/**
 * What a registry token grants on a repository, when the token says: Docker's token services
 * (Docker Hub, Quay, Harbor, GitLab, ACR, distribution's own) issue JWTs whose `access` claim
 * lists each repository's granted actions — fewer than were asked for when the user may do less
 * (`*`: all). An opaque token (GHCR's), or one whose claim names neither the repository nor `*`,
 * says nothing: undefined — only a token that does say is taken at its word.
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
  let named = false;
  for (const a of access as { type?: unknown; name?: unknown; actions?: unknown }[]) {
    if (a?.type !== 'repository' || (a.name !== repository && a.name !== '*')) continue;
    if (!Array.isArray(a.actions)) continue;
    named = true;
    for (const action of a.actions) if (typeof action === 'string') actions.add(action);
  }
  return named ? [...actions] : undefined;
}
