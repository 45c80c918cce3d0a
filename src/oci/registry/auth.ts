import { RegistryError } from './errors.js';
import { errorFrom, type Transport } from './http.js';

export interface Credentials {
  username: string;
  /** A password or a token (GHCR personal access token, ECR password). */
  password: string;
}

/** One challenge of a WWW-Authenticate header. */
export interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or Basic); the first known scheme wins. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(Bearer|Basic)\b\s*(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = re.exec(m[2] ?? ''); p; p = re.exec(m[2] ?? '')) {
    params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: (m[1] ?? '').toLowerCase() as Challenge['scheme'], params };
}

export function basicAuth(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

export function repositoryScope(repository: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${repository}:${actions}`;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Answers challenges: Basic with the credentials, Bearer through the realm's token service
 * (the realm/service/scope flow of GHCR, Docker Hub and ECR), tokens cached per scope set.
 */
export class Authenticator {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly transport: Transport,
    readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly now: () => number = Date.now,
    /** The registry is loopback or named insecure: its realm may take credentials over http. */
    private readonly plainHttpAllowed = false,
  ) {}

  get hasCredentials(): boolean {
    return this.credentials !== undefined;
  }

  setChallenge(challenge: Challenge | undefined): void {
    this.challenge = challenge;
  }

  /** Forget tokens after a 401: the next header() fetches afresh. */
  invalidate(): void {
    this.tokens.clear();
  }

  async header(scopes: readonly string[]): Promise<string | undefined> {
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') return this.credentials ? basicAuth(this.credentials) : undefined;
    const key = [...new Set(scopes)].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(ch, [...new Set(scopes)].sort());
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(ch: Challenge, scopes: string[]): Promise<CachedToken> {
    const realm = ch.params.realm;
    if (!realm)
      throw new RegistryError('GET', `https://${this.registry}/v2/`, 401, {
        detail: 'Bearer challenge without a realm',
      });
    const url = new URL(realm);
    if (this.credentials && url.protocol !== 'https:' && !this.plainHttpAllowed)
      throw new RegistryError('GET', url.toString(), undefined, {
        detail: `the token service of ${this.registry} is not https (${url.protocol}//${url.host}): its credentials are sent only over https, or over http to a loopback registry or one in insecure-registries`,
      });
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = this.credentials
      ? { Authorization: basicAuth(this.credentials) }
      : {};
    const req = { method: 'GET', url: url.toString(), headers };
    const res = await this.transport.send(req);
    if (res.status === 401 || res.status === 403) {
      throw errorFrom(
        req,
        res,
        this.credentials
          ? `the token service at ${url.host} rejected the credentials for ${this.registry} (user ${this.credentials.username})`
          : `the token service at ${url.host} wants credentials for ${this.registry}`,
      );
    }
    if (res.status < 200 || res.status >= 300) throw errorFrom(req, res, 'token request failed');
    const body = JSON.parse(res.body.toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw errorFrom(req, res, 'token response without a token');
    // spec: default lifetime 60 s; refresh a little early
    const lifetime = Math.max(10, (body.expires_in ?? 60) - 5) * 1000;
    return { token, expiresAt: this.now() + lifetime };
  }
}
