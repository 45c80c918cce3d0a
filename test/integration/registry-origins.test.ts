/**
 * Credentials stay with their registry's origin (scheme, host, port). The registry is real
 * (Debian's docker-registry, with htpasswd or a token service); the other origins are loopback
 * servers on 127.0.0.2 and 127.0.0.3 that the registry's answers point at.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../src/oci/index.js';
import { Authenticator, basicAuth } from '../../src/oci/registry/auth.js';
import { RegistryClient, type RegistryClientOptions } from '../../src/oci/registry/client.js';
import { Transport } from '../../src/oci/registry/http.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { makeImage, type TestImage } from './support/image.js';
import { startOriginFront, startOtherOrigin, type OtherOrigin } from './support/origin-front.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { skopeoInspectRaw } from './support/skopeo.js';
import { makeCa, makeSigningCert } from './support/tls.js';
import { startTokenRegistry } from './support/token-service.js';

const USER = { username: 'gantry', password: 'origin-secret-never-elsewhere' };
const noSleep = { sleep: async () => undefined, attempts: 1 };

let work: string;
let images: TestImage[];
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'origins-it-'));
  images = ['amd64', 'arm64'].map((architecture) => {
    mkdirSync(join(work, architecture));
    return makeImage(join(work, architecture), { os: 'linux', architecture }, [
      { app: `${architecture} binary` },
    ]);
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const portOf = (r: RunningRegistry) => Number(r.host.split(':')[1]);

async function push(host: string, repository: string, tag: string, opts: RegistryClientOptions) {
  const client = new RegistryClient(host, opts);
  try {
    const { blob } = buildIndex(images.map((i) => i.descriptor));
    await publish(new RegistryTarget(client, repository), images, blob, [tag]);
    return blob;
  } finally {
    client.close();
  }
}

describe('an upload Location and a tags Link on another origin', () => {
  let registry: RunningRegistry;
  let storage: OtherOrigin;
  let pages: OtherOrigin;
  let front: { host: string; close(): Promise<void> };
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: USER });
    // object storage behind pre-signed URLs: takes the upload without the registry's password
    storage = await startOtherOrigin('127.0.0.2', 'presigned', portOf(registry), basicAuth(USER));
    pages = await startOtherOrigin('127.0.0.3', 'presigned', portOf(registry), basicAuth(USER));
    front = await startOriginFront(portOf(registry), { location: storage.url, link: pages.url });
  });
  afterAll(async () => {
    await front?.close();
    await storage?.close();
    await pages?.close();
    await registry?.stop();
  });

  it('uploads there without the registry’s Authorization; the image is complete', async () => {
    const index = await push(front.host, 'app', 'v1', { credentials: USER });
    const uploads = storage.seen.filter((s) => s.method === 'PUT' || s.method === 'PATCH');
    expect(uploads.length).toBeGreaterThanOrEqual(3);
    expect(storage.seen.filter((s) => s.authorization)).toEqual([]);
    const raw = await skopeoInspectRaw(`${registry.host}/app:v1`, {
      creds: `${USER.username}:${USER.password}`,
    });
    expect(raw.equals(index.bytes)).toBe(true);
  });

  it('follows a Link there without the Authorization', async () => {
    await push(front.host, 'app', 'v2', { credentials: USER });
    const client = new RegistryClient(front.host, { credentials: USER });
    try {
      // the first page (one tag) from the registry, the next from the Link's host
      expect([...new Set(await client.listTags('app'))].sort()).toEqual(['v1', 'v2']);
    } finally {
      client.close();
    }
    expect(pages.seen.length).toBeGreaterThanOrEqual(1);
    expect(pages.seen.filter((s) => s.authorization)).toEqual([]);
  });
});

describe('a Basic challenge from another origin, when the registry uses tokens', () => {
  let registry: RunningRegistry;
  let stopRegistry: () => Promise<void> = async () => undefined;
  let hostile: OtherOrigin;
  let front: { host: string; close(): Promise<void> };
  beforeAll(async () => {
    ({ registry, stop: stopRegistry } = await startTokenRegistry(
      mkdtempSync(join(work, 'token-')),
      USER,
    ));
    hostile = await startOtherOrigin('127.0.0.2', 'challenge', portOf(registry));
    front = await startOriginFront(portOf(registry), { location: hostile.url });
  });
  afterAll(async () => {
    await front?.close();
    await hostile?.close();
    await stopRegistry();
  });

  it('never answers it: no password, no token there; the push fails naming the host', async () => {
    const err = await push(front.host, 'team/app', 'v1', {
      credentials: USER,
      retry: noSleep,
    }).then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(
      /^(PUT|PATCH) http:\/\/127\.0\.0\.2:\d+\/v2\/team\/app\/blobs\/uploads\/.*: 401 — 127\.0\.0\.2:\d+ is not 127\.0\.0\.1:\d+: no credentials are sent there/,
    );
    expect(hostile.seen.length).toBeGreaterThanOrEqual(1);
    expect(hostile.seen.filter((s) => s.authorization)).toEqual([]);
    expect(err.message).not.toContain(USER.password);
  });
});

describe('token realms', () => {
  it('Basic credentials go to an http realm only for a loopback or insecure registry', async () => {
    const realm = await startOtherOrigin('127.0.0.2', 'challenge', 1);
    const transport = new Transport();
    try {
      const challenge = { scheme: 'bearer' as const, params: { realm: `${realm.url}/token` } };
      const remote = new Authenticator(transport, 'registry.example.com', USER);
      remote.setChallenge(challenge);
      await expect(remote.header(['repository:app:pull'])).rejects.toThrow(
        /the token service of registry\.example\.com is not https \(http:\/\/127\.0\.0\.2:\d+\): its credentials are sent only over https/,
      );
      expect(realm.seen).toEqual([]);
      // a loopback registry (as Docker allows plain HTTP to one) may use an http realm
      const local = new Authenticator(transport, '127.0.0.1:5000', USER, Date.now, true);
      local.setChallenge(challenge);
      await expect(local.header(['repository:app:pull'])).rejects.toThrow(/401/);
      expect(realm.seen.map((s) => s.authorization)).toEqual([basicAuth(USER)]);
    } finally {
      transport.close();
      await realm.close();
    }
  });

  it('insecure-registries relaxes TLS for the listed registry alone, never for its realm', async () => {
    const ca = makeCa(mkdtempSync(join(work, 'ca-')));
    // a realm on another host with a certificate nobody trusts (and made for 127.0.0.1)
    let reached = 0;
    const realm = createHttpsServer(
      { cert: readFileSync(ca.serverCert), key: readFileSync(ca.serverKey) },
      (_req, res) => {
        reached++;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"token":"t"}');
      },
    );
    await new Promise<void>((r) => realm.listen(0, '127.0.0.2', r));
    const realmUrl = `https://127.0.0.2:${(realm.address() as AddressInfo).port}/token`;
    const signing = makeSigningCert(mkdtempSync(join(work, 'token-')));
    const registry = await startRegistry({
      tls: ca,
      token: { realm: realmUrl, service: 's', issuer: 'i', rootCert: signing.cert },
    });
    const client = new RegistryClient(registry.host, {
      insecure: true,
      credentials: USER,
      retry: noSleep,
    });
    try {
      const err = await client.blobExists('app', images[0]!.config.digest).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      // the registry's own unverified certificate was accepted (it answered the ping with its
      // challenge); the realm's was not, and it never saw a request
      expect(err.message).toMatch(/^GET https:\/\/127\.0\.0\.2:\d+\/token.*network error/);
      expect(reached).toBe(0);
    } finally {
      client.close();
      await registry.stop();
      await new Promise<void>((r) => realm.close(() => r()));
    }
  });
});
