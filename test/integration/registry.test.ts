import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../src/oci/index.js';
import type { ImageManifest } from '../../src/oci/manifest.js';
import type { Credentials } from '../../src/oci/registry/auth.js';
import { RegistryClient, type RegistryClientOptions } from '../../src/oci/registry/client.js';
import { RegistryError } from '../../src/oci/registry/errors.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { startFaultProxy } from './support/fault-proxy.js';
import { makeImage, type TestImage } from './support/image.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { skopeoCopyToOci, skopeoInspectRaw, type SkopeoAuth } from './support/skopeo.js';
import { makeCa, type TestCa } from './support/tls.js';
import { startTokenRegistry, type TokenService } from './support/token-service.js';

const USER = { username: 'gantry', password: 'pa55-w0rd-never-logged' };
const noSleep = { sleep: async () => undefined };

let work: string;
let amd64: TestImage;
let arm64: TestImage;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'registry-it-'));
  mkdirSync(join(work, 'amd64'));
  mkdirSync(join(work, 'arm64'));
  amd64 = makeImage(join(work, 'amd64'), { os: 'linux', architecture: 'amd64' }, [
    { hello: 'amd64 binary' },
    { 'data.txt': 'x'.repeat(300_000) },
  ]);
  arm64 = makeImage(join(work, 'arm64'), { os: 'linux', architecture: 'arm64' }, [
    { hello: 'arm64 binary' },
    { 'data.txt': 'x'.repeat(300_000) },
  ]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Pushes the two-platform image and its index under `tag`; returns the index digest and stats. */
async function pushTwoPlatforms(
  host: string,
  repository: string,
  tag: string,
  opts: RegistryClientOptions = {},
) {
  const client = new RegistryClient(host, opts);
  try {
    const { blob } = buildIndex([amd64.descriptor, arm64.descriptor]);
    const stats = await publish(new RegistryTarget(client, repository), [amd64, arm64], blob, [
      tag,
    ]);
    return { digest: blob.digest, stats, index: blob };
  } finally {
    client.close();
  }
}

async function expectSkopeoAgrees(
  ref: string,
  digest: string,
  indexBytes: Buffer,
  auth: SkopeoAuth = {},
) {
  expect((await skopeoInspectRaw(ref, auth)).equals(indexBytes)).toBe(true);
  const dir = mkdtempSync(join(work, 'oci-'));
  expect(await skopeoCopyToOci(ref, dir, auth)).toBe(digest);
}

describe('registry set-ups', () => {
  describe('plain HTTP on loopback', () => {
    let registry: RunningRegistry;
    beforeAll(async () => (registry = await startRegistry()));
    afterAll(() => registry?.stop());

    it('pushes a two-platform image and its index; skopeo reads and copies the same digest', async () => {
      const { digest, stats, index } = await pushTwoPlatforms(registry.host, 'app', 'v1');
      expect(stats.blobsUploaded).toBe(5); // 6 layers and configs, one data layer shared by both
      expect(stats.manifests).toBe(3);
      await expectSkopeoAgrees(`${registry.host}/app:v1`, digest, index.bytes);
      const client = new RegistryClient(registry.host);
      expect(await client.listTags('app')).toEqual(['v1']);
      const manifest = await client.getManifest('app', 'v1');
      expect(manifest.digest).toBe(digest);
      client.close();
    });
  });

  describe('TLS with a CA made in the test', () => {
    let registry: RunningRegistry;
    let ca: TestCa;
    beforeAll(async () => {
      ca = makeCa(mkdtempSync(join(work, 'ca-')));
      registry = await startRegistry({ tls: ca });
    });
    afterAll(() => registry?.stop());

    it('pushes over verified TLS and skopeo (trusting the same CA) agrees', async () => {
      const { digest, index } = await pushTwoPlatforms(registry.host, 'tls/app', 'v1', {
        ca: ca.caPem,
      });
      const certDir = mkdtempSync(join(work, 'certs-'));
      rmSync(certDir, { recursive: true });
      mkdirSync(certDir);
      copyFileSync(ca.caCert, join(certDir, 'ca.crt'));
      await expectSkopeoAgrees(`${registry.host}/tls/app:v1`, digest, index.bytes, { certDir });
    });

    it('refuses a certificate it cannot verify, and does not fall back to plain HTTP', async () => {
      const client = new RegistryClient(registry.host, { retry: noSleep });
      const err = await client.blobExists('tls/app', amd64.config.digest).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      client.close();
      expect(err).toBeInstanceOf(RegistryError);
      expect(err.message).toMatch(
        /^GET https:\/\/127\.0\.0\.1:\d+\/v2\/: network error \w+ — the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(.*certificate.*\): trust its CA/,
      );
    });
  });

  describe('htpasswd Basic auth', () => {
    let registry: RunningRegistry;
    beforeAll(async () => (registry = await startRegistry({ htpasswd: USER })));
    afterAll(() => registry?.stop());

    it('pushes with the credentials; skopeo agrees', async () => {
      const { digest, index } = await pushTwoPlatforms(registry.host, 'basic/app', 'v1', {
        credentials: USER,
      });
      await expectSkopeoAgrees(`${registry.host}/basic/app:v1`, digest, index.bytes, {
        creds: `${USER.username}:${USER.password}`,
      });
    });

    it('says the credentials were rejected, without the password', async () => {
      const wrong: Credentials = { username: USER.username, password: 'wrong-secret-value' };
      const err = await pushTwoPlatforms(registry.host, 'basic/app', 'v2', {
        credentials: wrong,
      }).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(RegistryError);
      expect(err.message).toMatch(/401 .*the credentials for 127\.0\.0\.1:\d+ were rejected/);
      expect(err.message).not.toContain('wrong-secret-value');
      const none = await pushTwoPlatforms(registry.host, 'basic/app', 'v2').then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      expect(none.message).toContain('needs credentials');
    });
  });

  describe('Bearer tokens from a token service the registry trusts', () => {
    let registry: RunningRegistry;
    let tokens: TokenService;
    let stop: () => Promise<void> = async () => undefined;
    beforeAll(async () => {
      ({ registry, tokens, stop } = await startTokenRegistry(
        mkdtempSync(join(work, 'token-')),
        USER,
      ));
    });
    afterAll(() => stop());

    it('gets scoped tokens, pushes, and skopeo agrees', async () => {
      const { digest, index } = await pushTwoPlatforms(registry.host, 'team/app', 'v1', {
        credentials: USER,
      });
      expect(
        tokens.requests.some((scopes) => scopes.includes('repository:team/app:pull,push')),
      ).toBe(true);
      await expectSkopeoAgrees(`${registry.host}/team/app:v1`, digest, index.bytes, {
        creds: `${USER.username}:${USER.password}`,
      });
    });

    it('mounts across repositories with a token scoped for both', async () => {
      const { stats } = await pushTwoPlatforms(registry.host, 'team/copy', 'v1', {
        credentials: USER,
        onRetry: () => undefined,
      });
      expect(stats.blobsMounted + stats.blobsUploaded).toBe(5);
      // no mount source was named here: uploads; the merge action names sources and mounts
      const client = new RegistryClient(registry.host, { credentials: USER });
      const target = new RegistryTarget(client, 'team/third');
      const r = await target.putBlob(amd64.blobs[1]!.descriptor, amd64.blobs[1]!.source, [
        'team/app',
      ]);
      expect(r).toEqual({ status: 'mounted', bytes: 0 });
      expect(
        tokens.requests.some(
          (s) =>
            s.includes('repository:team/app:pull') && s.includes('repository:team/third:pull,push'),
        ),
      ).toBe(true);
      client.close();
    });

    it('reports rejected credentials from the token service without the password', async () => {
      const err = await pushTwoPlatforms(registry.host, 'team/app', 'v3', {
        credentials: { username: 'gantry', password: 'nope-secret' },
      }).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(/token service at 127\.0\.0\.1:\d+ rejected the credentials/);
      expect(err.message).not.toContain('nope-secret');
    });
  });
});

describe('pushing through a fault-injecting proxy', () => {
  let registry: RunningRegistry;
  beforeAll(async () => (registry = await startRegistry()));
  afterAll(() => registry?.stop());

  const port = () => Number(registry.host.split(':')[1]);

  it('re-pushing an identical image uploads 0 blob bytes; a second repository mounts', async () => {
    const proxy = await startFaultProxy(port());
    try {
      const first = await pushTwoPlatforms(proxy.host, 'same/app', 'v1');
      const uploaded = proxy.blobBytes;
      expect(uploaded).toBe(first.stats.bytesUploaded);
      const again = await pushTwoPlatforms(proxy.host, 'same/app', 'v1');
      expect(proxy.blobBytes - uploaded).toBe(0);
      expect(again.stats).toMatchObject({ blobsUploaded: 0, blobsExisting: 5, bytesUploaded: 0 });

      const client = new RegistryClient(proxy.host);
      const target = new RegistryTarget(client, 'other/app');
      const before = proxy.blobBytes;
      const { blob } = buildIndex([amd64.descriptor, arm64.descriptor]);
      const withMounts = [amd64, arm64].map((img) => ({
        ...img,
        blobs: img.blobs.map((b) => ({ ...b, mountFrom: ['same/app'] })),
      }));
      const stats = await publish(target, withMounts, blob, ['v1']);
      client.close();
      expect(stats.blobsMounted).toBe(5);
      expect(proxy.blobBytes - before).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('retries 5xx, 429 with Retry-After, a reset in the middle of a blob upload, and slow answers', async () => {
    const proxy = await startFaultProxy(port());
    const sleeps: number[] = [];
    try {
      proxy.faults.push(
        { method: 'PUT', path: /\/blobs\/uploads\//, times: 1, kind: 'reset', afterBytes: 1000 },
        { method: 'HEAD', path: /\/blobs\//, times: 2, kind: 'status', status: 503 },
        {
          method: 'PUT',
          path: /\/manifests\/sha256:/,
          times: 1,
          kind: 'status',
          status: 429,
          headers: { 'Retry-After': '2' },
        },
        { method: 'GET', path: /^\/v2\/$/, times: 1, kind: 'delay', delayMs: 1500 },
      );
      const retries: string[] = [];
      const { digest, index } = await pushTwoPlatforms(proxy.host, 'flaky/app', 'v1', {
        retry: { sleep: async (ms) => void sleeps.push(ms) },
        onRetry: (m) => retries.push(m),
      });
      expect(proxy.faults.every((f) => f.times === 0)).toBe(true);
      expect(proxy.injected).toHaveLength(5);
      expect(retries.length).toBeGreaterThanOrEqual(4);
      expect(sleeps).toContain(2000);
      await expectSkopeoAgrees(`${registry.host}/flaky/app:v1`, digest, index.bytes);
    } finally {
      await proxy.close();
    }
  });

  it('an answer cut off while its body is read is retried, like a reset before it', async () => {
    const proxy = await startFaultProxy(port());
    try {
      await pushTwoPlatforms(proxy.host, 'cut/app', 'v1');
      // the index (and a blob) read back, each cut halfway through its body once
      proxy.faults.push(
        { method: 'GET', path: /^\/v2\/cut\/app\/manifests\/v1$/, times: 1, kind: 'cut' },
        { method: 'GET', path: /^\/v2\/cut\/app\/blobs\//, times: 1, kind: 'cut' },
      );
      const retries: string[] = [];
      const client = new RegistryClient(proxy.host, {
        retry: noSleep,
        onRetry: (m) => retries.push(m),
      });
      try {
        const index = await client.getManifest('cut/app', 'v1');
        const config = JSON.parse(
          (await client.getManifest('cut/app', amd64.manifest.digest)).bytes.toString(),
        ) as ImageManifest;
        await client.getBlob('cut/app', config.config.digest);
        expect(index.digest).toBe(
          (await new RegistryClient(registry.host).getManifest('cut/app', 'v1')).digest,
        );
      } finally {
        client.close();
      }
      expect(proxy.faults.every((f) => f.times === 0)).toBe(true);
      expect(retries).toEqual([
        expect.stringMatching(
          /^GET manifest cut\/app:v1: GET http:\/\/127\.0\.0\.1:\d+\/v2\/cut\/app\/manifests\/v1: network error ECONNRESET — after 200, reading the body: aborted; retry 1 in \d+ ms$/,
        ),
        expect.stringMatching(/^GET blob sha256:[0-9a-f]{64}: GET http:.*reading the body/),
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('retries for its time budget, not a count, and the error says how it was tried', async () => {
    const proxy = await startFaultProxy(port());
    try {
      // a registry that asks to come back in a second, 20 times for one blob: past a count of 12
      const config = (JSON.parse(amd64.manifest.bytes.toString()) as ImageManifest).config.digest;
      proxy.faults.push({
        method: 'HEAD',
        path: new RegExp(`/blobs/${config}$`),
        times: 20,
        kind: 'status',
        status: 429,
        headers: { 'Retry-After': '1' },
      });
      const clock = { waited: 0 };
      const retry = { sleep: async (ms: number) => void (clock.waited += ms) };
      await pushTwoPlatforms(proxy.host, 'patient/app', 'v1', { retry });
      expect(proxy.faults[0]!.times).toBe(0);
      // a registry that never comes back: given up once the waits would pass 120 s, saying so
      proxy.faults.push({
        method: 'HEAD',
        path: /\/blobs\//,
        times: 10_000,
        kind: 'status',
        status: 503,
        headers: { 'Retry-After': '10' },
      });
      const err = await pushTwoPlatforms(proxy.host, 'patient/app', 'v2', { retry }).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(
        /^HEAD http:\/\/127\.0\.0\.1:\d+\/v2\/patient\/app\/blobs\/sha256:[0-9a-f]{64}: 503 \(given up after 13 attempts over \d+\.\d s\)$/,
      );
    } finally {
      await proxy.close();
    }
  });

  it('a registry answering 5xx where its API should be is called an outage, not "no registry"', async () => {
    const proxy = await startFaultProxy(port());
    try {
      proxy.faults.push({
        method: 'GET',
        path: /^\/v2\/$/,
        times: 1000,
        kind: 'status',
        status: 503,
      });
      const client = new RegistryClient(proxy.host, { retry: noSleep });
      const err = await client.blobExists('x', amd64.config.digest).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      client.close();
      expect(err.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/: 503 \(UNAVAILABLE: injected by the test proxy\) — 127\.0\.0\.1:\d+ is having an outage \(it answers 503 where the registry API should be\) \(given up after \d+ attempts over \d+\.\d s\)$/,
      );
    } finally {
      await proxy.close();
    }
  });

  it('a registry that says 201 and keeps nothing is caught reading the index back', async () => {
    const proxy = await startFaultProxy(port());
    try {
      proxy.faults.push({
        method: 'PUT',
        path: /^\/v2\/liar\/app\/manifests\//,
        times: 1000,
        kind: 'lie',
      });
      const err = await pushTwoPlatforms(proxy.host, 'liar/app', 'v1', { retry: noSleep }).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(
        /^127\.0\.0\.1:\d+\/liar\/app took sha256:[0-9a-f]{64} but does not give it back as it was sent: GET http:\/\/127\.0\.0\.1:\d+\/v2\/liar\/app\/manifests\/sha256:[0-9a-f]{64}: 404/,
      );
    } finally {
      await proxy.close();
    }
  });

  it('a blob copied from a read that comes back corrupted is read again, never stored wrong', async () => {
    const proxy = await startFaultProxy(port());
    try {
      const { stats } = await pushTwoPlatforms(registry.host, 'source/app', 'v1');
      expect(stats.blobsUploaded).toBeGreaterThan(0);
      const layer = amd64.blobs.find((b) => b.descriptor.size > 1000)!.descriptor;
      proxy.faults.push({
        method: 'GET',
        path: new RegExp(`/blobs/${layer.digest}$`),
        times: 1,
        kind: 'corrupt',
      });
      const source = new RegistryClient(proxy.host, { retry: noSleep });
      const retries: string[] = [];
      const target = new RegistryClient(registry.host, {
        retry: noSleep,
        onRetry: (m) => retries.push(m),
      });
      try {
        const r = await target.pushBlob(
          'copied/app',
          layer,
          source.openBlob('source/app', layer.digest),
        );
        expect(r).toEqual({ status: 'uploaded', bytes: layer.size });
        expect(proxy.faults[0]!.times).toBe(0);
        expect(retries).toEqual([
          expect.stringMatching(
            new RegExp(
              `^push blob ${layer.digest}: GET http://127\\.0\\.0\\.1:\\d+/v2/source/app/blobs/${layer.digest}: network error ECORRUPTREAD — served sha256:[0-9a-f]{64}; retry 1 in \\d+ ms$`,
            ),
          ),
        ]);
        expect((await target.getBlob('copied/app', layer.digest)).length).toBe(layer.size);
      } finally {
        source.close();
        target.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('a copy whose source lacks the blob fails at once, naming the read, not the upload', async () => {
    const source = new RegistryClient(registry.host, { retry: noSleep });
    const target = new RegistryClient(registry.host, { retry: noSleep });
    const missing = { digest: `sha256:${'0'.repeat(64)}` as const, size: 2048 };
    try {
      const started = Date.now();
      const err = await target
        .pushBlob('copy-target/app', missing, source.openBlob('nowhere/app', missing.digest))
        .then(
          () => new Error('expected a failure'),
          (e: unknown) => e as Error,
        );
      expect(err.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/nowhere\/app\/blobs\/sha256:0{64}: 404 — blob read failed$/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      source.close();
      target.close();
    }
  });

  it('when a push cannot complete, no tag points at missing content', async () => {
    const proxy = await startFaultProxy(port());
    try {
      proxy.faults.push({
        method: 'PUT',
        path: /\/blobs\/uploads\//,
        times: 1000,
        kind: 'status',
        status: 500,
      });
      const err = await pushTwoPlatforms(proxy.host, 'broken/app', 'v1', { retry: noSleep }).then(
        () => new Error('expected a failure'),
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(RegistryError);
      expect(err.message).toMatch(
        /^PUT http:\/\/127\.0\.0\.1:\d+\/v2\/broken\/app\/blobs\/uploads\/[^ ]*\?REDACTED: 500 \(UNAVAILABLE: injected by the test proxy\) \(given up after \d+ attempts over \d+\.\d s\)$/,
      );
      const client = new RegistryClient(registry.host);
      expect(await client.listTags('broken/app')).toEqual([]);
      const { blob } = buildIndex([amd64.descriptor, arm64.descriptor]);
      expect(await client.headManifest('broken/app', blob.digest)).toBeUndefined();
      client.close();
    } finally {
      await proxy.close();
    }
  });

  it('uploads in chunks when asked, and the registry assembles the same blob', async () => {
    const proxy = await startFaultProxy(port());
    try {
      const { digest } = await pushTwoPlatforms(proxy.host, 'chunked/app', 'v1', {
        chunkSize: 512,
      });
      expect(proxy.requests.filter((r) => r.startsWith('PATCH ')).length).toBeGreaterThan(2);
      const client = new RegistryClient(registry.host);
      expect((await client.getManifest('chunked/app', 'v1')).digest).toBe(digest);
      client.close();
    } finally {
      await proxy.close();
    }
  });

  it('names an unreachable registry', async () => {
    const client = new RegistryClient('127.0.0.1:9', { retry: noSleep });
    const err = await client.blobExists('x', amd64.config.digest).then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toBe(
      'GET https://127.0.0.1:9/v2/: network error ECONNREFUSED — registry 127.0.0.1:9 is unreachable',
    );
    client.close();
  });
});
