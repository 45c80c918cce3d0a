import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRegistry, type RunningRegistry } from './registry.js';
import { makeSigningCert } from './tls.js';

export interface TokenService {
  realm: string;
  service: string;
  issuer: string;
  /** Every scope asked for, in order. */
  requests: string[][];
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * A Docker token service (the realm of a Bearer challenge): checks Basic credentials and issues
 * RS256 JWTs with the signing certificate in x5c, which the registry trusts by rootcertbundle.
 * `user` is granted what it asks for; `reader`, when given, pull only (as a token service grants
 * less than was asked to a user who may do less).
 */
export async function startTokenService(
  signing: { key: string; cert: string },
  user: { username: string; password: string },
  reader?: { username: string; password: string },
): Promise<TokenService> {
  const key = readFileSync(signing.key, 'utf8');
  const der = Buffer.from(
    readFileSync(signing.cert, 'utf8')
      .replace(/-----[^-]+-----/g, '')
      .replace(/\s+/g, ''),
    'base64',
  );
  const service = 'gantry-test-registry';
  const issuer = 'gantry-test-issuer';
  const requests: string[][] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope');
    requests.push(scopes);
    const auth = req.headers.authorization ?? '';
    const basic = (u: { username: string; password: string }) =>
      `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;
    const pullOnly = reader !== undefined && auth === basic(reader);
    if (auth !== basic(user) && !pullOnly) {
      res
        .writeHead(401, { 'Content-Type': 'application/json' })
        .end('{"details":"incorrect username or password"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((s) => {
      const [type, ...rest] = s.split(':');
      const actions = rest.pop() ?? '';
      const asked = actions.split(',');
      return {
        type,
        name: rest.join(':'),
        actions: pullOnly ? asked.filter((a) => a === 'pull') : asked,
      };
    });
    const header = { typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] };
    const claims = {
      iss: issuer,
      sub: pullOnly ? reader.username : user.username,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
    const token = `${signingInput}.${b64url(signature)}`;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A registry that takes Bearer tokens from a token service of its own (checking `user`'s Basic
 * credentials): the flow of GHCR, Docker Hub and ECR, on loopback. `stop` ends both.
 */
export async function startTokenRegistry(
  dir: string,
  user: { username: string; password: string },
  reader?: { username: string; password: string },
): Promise<{ registry: RunningRegistry; tokens: TokenService; stop(): Promise<void> }> {
  const signing = makeSigningCert(dir);
  const tokens = await startTokenService(signing, user, reader);
  const registry = await startRegistry({
    token: {
      realm: tokens.realm,
      service: tokens.service,
      issuer: tokens.issuer,
      rootCert: signing.cert,
    },
  });
  return {
    registry,
    tokens,
    stop: async () => {
      await registry.stop();
      await tokens.close();
    },
  };
}
