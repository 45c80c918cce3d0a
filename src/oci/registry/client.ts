import { AsyncLocalStorage } from 'node:async_hooks';
import { PassThrough } from 'node:stream';
import { isLoopbackHost } from '../../runtime/net.js';
import { retry, type RetryOptions } from '../../runtime/retry.js';
import type { BlobSource } from '../blob.js';
import type { Descriptor } from '../descriptor.js';
import { DigestingCounter, sha256Digest, type Digest } from '../digest.js';
import { type Blob, mediaTypeOfManifest } from '../manifest.js';
import { MANIFEST_ACCEPT, MediaType } from '../mediatypes.js';
import { registryApiHost } from '../reference.js';
import { Authenticator, parseChallenge, repositoryScope, type Credentials } from './auth.js';
import { grantedActions } from './grant.js';
import { CORRUPT_READ, isTemporary, RegistryError, retryAfterOf } from './errors.js';
import { errorFrom, Transport, type HttpRequest, type HttpResponse } from './http.js';

/** Set within an attempt of a retried operation. */
const insideAttempt = new AsyncLocalStorage<boolean>();

export interface PushBlobResult {
  status: 'existed' | 'mounted' | 'uploaded';
  /** Bytes of blob content sent. */
  bytes: number;
}

export interface RegistryClientOptions {
  credentials?: Credentials;
  /** Named in insecure-registries: plain HTTP allowed and TLS not verified. */
  insecure?: boolean;
  ca?: string | Buffer;
  userAgent?: string;
  retry?: Pick<RetryOptions, 'attempts' | 'budgetMs' | 'baseDelayMs' | 'maxDelayMs' | 'sleep'>;
  /** Upload blobs larger than this in chunks of this size (PATCH); else one streamed PUT. */
  chunkSize?: number;
  onRetry?: (message: string) => void;
  onBodyBytes?: (n: number) => void;
}

/** The server does not speak TLS (a plain HTTP registry); a certificate failure is not this. */
const NOT_TLS = /EPROTO|wrong version number|packet length too long/i;
/** A reset handshake: a plain HTTP server may answer TLS so, but so may a downgrading attacker. */
const RESET = /ECONNRESET/;

/**
 * Whether a failed TLS handshake to a registry means "it speaks plain HTTP, try http": only for a
 * loopback registry or one named insecure, and a reset only on loopback (off it, a reset may be
 * an attacker's, to make the client drop TLS).
 */
export function fallsBackToHttp(
  err: unknown,
  registry: { insecure: boolean; loopback: boolean },
): boolean {
  if (!(registry.insecure || registry.loopback) || !(err instanceof RegistryError)) return false;
  const said = `${err.networkCode ?? ''} ${err.message}`;
  return NOT_TLS.test(said) || (registry.loopback && RESET.test(said));
}

/** A Distribution-spec v2 client for one registry. */
export class RegistryClient {
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private readonly apiHost: string;
  private base: string | undefined;

  constructor(
    readonly registry: string,
    private readonly opts: RegistryClientOptions = {},
  ) {
    this.apiHost = registryApiHost(registry);
    this.transport = new Transport({
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.insecure ? { insecureHost: this.apiHost } : {}),
      userAgent: opts.userAgent ?? 'gantry',
      ...(opts.onBodyBytes ? { onBodyBytes: opts.onBodyBytes } : {}),
    });
    this.auth = new Authenticator(
      this.transport,
      registry,
      opts.credentials,
      Date.now,
      this.mayUseHttp,
    );
  }

  private get isLoopback(): boolean {
    return isLoopbackHost(new URL(`http://${this.apiHost}`).hostname);
  }

  /** Plain HTTP is allowed only for loopback registries (as Docker does) or named insecure ones. */
  get mayUseHttp(): boolean {
    return this.opts.insecure === true || this.isLoopback;
  }

  /** Credentials and challenges belong to the registry's own origin (scheme, host, port). */
  private isOwnOrigin(url: string): boolean {
    return this.base !== undefined && new URL(url).origin === new URL(this.base).origin;
  }

  close(): void {
    this.transport.close();
  }

  private async withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    // one policy per operation: a request made within another's attempt (a HEAD within a push,
    // the first ping) is retried by that attempt, never on its own as well
    if (insideAttempt.getStore()) return fn();
    // a time budget, not a count: a blob outlives a run of transient faults with exponential
    // backoff, and a registry that stays down fails in bounded time, saying how it was tried
    const started = Date.now();
    let attempts = 0;
    try {
      return await retry(
        () => {
          attempts++;
          return insideAttempt.run(true, fn);
        },
        {
          attempts: Number.POSITIVE_INFINITY,
          budgetMs: 120_000,
          baseDelayMs: 250,
          maxDelayMs: 15_000,
          ...this.opts.retry,
          isRetryable: isTemporary,
          retryAfterMs: retryAfterOf,
          onRetry: (err, attempt, delay) =>
            this.opts.onRetry?.(
              `${what}: ${(err as Error).message}; retry ${attempt} in ${delay} ms`,
            ),
        },
      );
    } catch (err) {
      if (attempts > 1 && err instanceof RegistryError)
        err.message += ` (given up after ${attempts} attempts over ${((Date.now() - started) / 1000).toFixed(1)} s)`;
      throw err;
    }
  }

  /** GET /v2/: learns the scheme (https, or http where allowed) and the auth challenge. */
  async ping(): Promise<void> {
    if (this.base) return;
    await this.withRetry(`ping ${this.registry}`, async () => {
      let res: HttpResponse;
      let base = `https://${this.apiHost}`;
      try {
        res = await this.transport.send({ method: 'GET', url: `${base}/v2/`, timeoutMs: 30_000 });
      } catch (err) {
        const registry = { insecure: this.opts.insecure === true, loopback: this.isLoopback };
        if (!fallsBackToHttp(err, registry)) throw this.unreachable(err);
        base = `http://${this.apiHost}`;
        try {
          res = await this.transport.send({ method: 'GET', url: `${base}/v2/`, timeoutMs: 30_000 });
        } catch (err2) {
          throw this.unreachable(err2);
        }
      }
      if (res.status === 401)
        this.auth.setChallenge(parseChallenge(headerOf(res, 'www-authenticate')));
      else if (res.status !== 200)
        throw errorFrom(
          { method: 'GET', url: `${base}/v2/` },
          res,
          res.status >= 500
            ? `${this.registry} is having an outage (it answers ${res.status} where the registry API should be)`
            : `${this.registry} does not answer as a registry`,
        );
      this.base = base;
    });
  }

  /**
   * Whether a push to `repository` can succeed, learned by reading only, while the image is still
   * being built: the registry answers (scheme, TLS) and takes the credentials — a token service
   * says so by issuing a token (which, when it says what it grants, must grant push); a registry
   * that checks credentials itself (Basic), by answering an authenticated read of `reference`.
   * Throws what the push would have met; nothing is written.
   */
  async checkPush(repository: string, reference: string): Promise<void> {
    const scopes = [repositoryScope(repository, 'pull,push')];
    await this.withRetry(`check push to ${repository}`, async () => {
      await this.ping();
      const header = await this.auth.header(scopes);
      if (header?.startsWith('Bearer ')) {
        const granted = grantedActions(header.slice('Bearer '.length), repository);
        if (granted && !granted.includes('push') && !granted.includes('*'))
          throw new RegistryError('POST', this.url(`/v2/${repository}/blobs/uploads/`), 403, {
            codes: [{ code: 'DENIED', message: 'push not granted' }],
            detail: `${this.registry} does not let ${this.auth.hasCredentials ? 'these credentials' : 'an anonymous client'} push to ${repository} (its token grants ${granted.length ? granted.join(', ') : 'nothing'} there)`,
          });
        // a repository not yet created may not be readable: the token said what it had to
        return;
      }
      // Basic, or none asked: a read says whether the registry takes these credentials (or
      // wants some)
      await this.request(
        { method: 'HEAD', url: this.url(`/v2/${repository}/manifests/${reference}`) },
        scopes,
        [200, 404],
      );
    });
  }

  private unreachable(err: unknown): unknown {
    if (!(err instanceof RegistryError) || err.temporary) return err;
    const untrusted = /CERT|SIGNATURE|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.networkCode ?? '');
    const detail = untrusted
      ? `the TLS certificate of ${this.registry} is not trusted (${err.detail ?? err.networkCode}): trust its CA with NODE_EXTRA_CA_CERTS, or list it in insecure-registries`
      : `registry ${this.registry} is unreachable`;
    return new RegistryError(err.method, err.url, undefined, {
      networkCode: err.networkCode,
      detail,
    });
  }

  /** Absolute once pinged; a relative path is made absolute by request(). */
  private url(path: string): string {
    return `${this.base ?? ''}${path}`;
  }

  /**
   * One request, authenticated when it goes to the registry's own origin; a 401 from there
   * refreshes the challenge and token once. A server-given URL on another origin (an upload
   * Location, a Link) gets no Authorization, and its challenges are never taken.
   */
  private async request(
    relative: HttpRequest,
    scopes: readonly string[],
    ok: readonly number[],
  ): Promise<HttpResponse> {
    await this.ping();
    const req = relative.url.startsWith('/')
      ? { ...relative, url: `${this.base}${relative.url}` }
      : relative;
    const own = this.isOwnOrigin(req.url);
    for (let attempt = own ? 0 : 1; ; attempt++) {
      const authorization = own ? await this.auth.header(scopes) : undefined;
      const res = await this.transport.send({
        ...req,
        headers: {
          ...(req.headers ?? {}),
          ...(authorization ? { Authorization: authorization } : {}),
        },
      });
      if (res.status === 401 && attempt === 0) {
        const challenge = parseChallenge(headerOf(res, 'www-authenticate'));
        if (challenge) this.auth.setChallenge(challenge);
        this.auth.invalidate();
        continue;
      }
      if (ok.includes(res.status)) return res;
      if (res.status === 401) {
        throw errorFrom(
          req,
          res,
          !own
            ? `${new URL(req.url).host} is not ${this.registry}: no credentials are sent there`
            : this.auth.hasCredentials
              ? `the credentials for ${this.registry} were rejected`
              : `${this.registry} needs credentials (username/password inputs, or docker login)`,
        );
      }
      throw errorFrom(req, res);
    }
  }

  async blobExists(repository: string, digest: Digest): Promise<boolean> {
    return this.withRetry(`HEAD blob ${digest}`, async () => {
      const res = await this.request(
        { method: 'HEAD', url: this.url(`/v2/${repository}/blobs/${digest}`) },
        [repositoryScope(repository, 'pull')],
        [200, 404],
      );
      return res.status === 200;
    });
  }

  async getBlob(repository: string, digest: Digest): Promise<Buffer> {
    return this.withRetry(`GET blob ${digest}`, async () => {
      const res = await this.request(
        { method: 'GET', url: this.url(`/v2/${repository}/blobs/${digest}`) },
        [repositoryScope(repository, 'pull')],
        [200, 307],
      );
      if (res.status === 307) {
        const location = headerOf(res, 'location');
        const redirected = await this.transport.send({
          method: 'GET',
          url: new URL(location ?? '', this.base).toString(),
        });
        if (redirected.status !== 200)
          throw errorFrom({ method: 'GET', url: location ?? '' }, redirected);
        return checkDigest(redirected.body, digest, 'GET', location ?? '');
      }
      return checkDigest(res.body, digest, 'GET', this.url(`/v2/${repository}/blobs/${digest}`));
    });
  }

  /** A streaming reader of a blob (for copies between registries); ranges for chunked uploads. */
  openBlob(repository: string, digest: Digest): BlobSource {
    return (start, end) => {
      const out = new PassThrough();
      void (async () => {
        await this.ping();
        const url = this.url(`/v2/${repository}/blobs/${digest}`);
        const authorization = await this.auth.header([repositoryScope(repository, 'pull')]);
        const headers: Record<string, string> = {
          ...(authorization ? { Authorization: authorization } : {}),
          ...(start !== undefined ? { Range: `bytes=${start}-${end ?? ''}` } : {}),
        };
        let res = await this.transport.open({
          method: 'GET',
          url: this.url(`/v2/${repository}/blobs/${digest}`),
          headers,
        });
        if (res.statusCode === 307 || res.statusCode === 302) {
          res.resume();
          const { Authorization: _, ...rest } = headers;
          res = await this.transport.open({
            method: 'GET',
            url: this.resolve(String(res.headers.location)),
            headers: rest,
          });
        }
        if (res.statusCode !== 200 && res.statusCode !== 206) {
          res.resume();
          throw new RegistryError('GET', url, res.statusCode, { detail: 'blob read failed' });
        }
        res.on('error', (err) => out.destroy(err));
        if (start !== undefined) return void res.pipe(out);
        // a whole blob is checked as it passes: a corrupted read fails the copy it feeds
        const counter = new DigestingCounter();
        res.on('data', (c: Buffer) => counter.update(c));
        res.on('end', () => {
          const got = counter.digest();
          if (got !== digest)
            out.destroy(
              new RegistryError('GET', url, undefined, {
                networkCode: CORRUPT_READ,
                detail: `served ${got}`,
              }),
            );
        });
        res.pipe(out, { end: false });
        res.on('end', () => {
          if (!out.destroyed) out.end();
        });
      })().catch((err: Error) => out.destroy(err));
      return out;
    };
  }

  /**
   * Makes a blob exist in repository: already there, mounted from one of `mountFrom` (same
   * registry), or uploaded — streamed in one PUT, or in chunks when larger than chunkSize. It
   * is always asked about first: nothing the repository has is sent again.
   */
  async pushBlob(
    repository: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    mountFrom: readonly string[] = [],
  ): Promise<PushBlobResult> {
    const push = repositoryScope(repository, 'pull,push');
    return this.withRetry(`push blob ${desc.digest}`, async () => {
      if (await this.blobExists(repository, desc.digest)) return { status: 'existed', bytes: 0 };
      let location: string | undefined;
      for (const from of mountFrom.filter((r) => r !== repository)) {
        const res = await this.request(
          {
            method: 'POST',
            url: this.url(
              `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(from)}`,
            ),
            headers: { 'Content-Length': '0' },
          },
          [push, repositoryScope(from, 'pull')],
          [201, 202],
        );
        if (res.status === 201) return { status: 'mounted', bytes: 0 };
        location = headerOf(res, 'location');
        break;
      }
      if (!location) {
        const res = await this.request(
          {
            method: 'POST',
            url: this.url(`/v2/${repository}/blobs/uploads/`),
            headers: { 'Content-Length': '0' },
          },
          [push],
          [202],
        );
        location = headerOf(res, 'location');
      }
      if (!location)
        throw new RegistryError('POST', this.url(`/v2/${repository}/blobs/uploads/`), 202, {
          detail: 'upload started without a Location',
        });
      const chunk = this.opts.chunkSize;
      if (chunk && desc.size > chunk) {
        for (let start = 0; start < desc.size; start += chunk) {
          const end = Math.min(desc.size, start + chunk) - 1;
          const res = await this.request(
            {
              method: 'PATCH',
              url: this.resolve(location),
              headers: {
                'Content-Type': 'application/octet-stream',
                'Content-Length': String(end - start + 1),
                'Content-Range': `${start}-${end}`,
              },
              body: () => source(start, end),
            },
            [push],
            [202],
          );
          location = headerOf(res, 'location') ?? location;
        }
        await this.request(
          {
            method: 'PUT',
            url: withDigest(this.resolve(location), desc.digest),
            headers: { 'Content-Length': '0' },
          },
          [push],
          [201],
        );
      } else {
        await this.request(
          {
            method: 'PUT',
            url: withDigest(this.resolve(location), desc.digest),
            headers: {
              'Content-Type': 'application/octet-stream',
              'Content-Length': String(desc.size),
            },
            body: () => source(),
          },
          [push],
          [201],
        );
      }
      return { status: 'uploaded', bytes: desc.size };
    });
  }

  private resolve(location: string): string {
    return new URL(location, this.base).toString();
  }

  /** GET a manifest or index by tag or digest; a digest reference is checked against the bytes. */
  async getManifest(
    repository: string,
    reference: string,
    accept: readonly string[] = MANIFEST_ACCEPT,
  ): Promise<Blob> {
    return this.withRetry(`GET manifest ${repository}:${reference}`, async () => {
      const url = this.url(`/v2/${repository}/manifests/${reference}`);
      const res = await this.request(
        { method: 'GET', url, headers: { Accept: accept.join(', ') } },
        [repositoryScope(repository, 'pull')],
        [200],
      );
      const digest = reference.includes(':')
        ? checkDigest(res.body, reference as Digest, 'GET', url) && (reference as Digest)
        : sha256Digest(res.body);
      return {
        mediaType: mediaTypeOfManifest(res.body, headerOf(res, 'content-type')),
        bytes: res.body,
        digest,
      };
    });
  }

  /**
   * What refers to a manifest (distribution-spec v1.1): the referrers API where the registry has
   * it, else the referrers tag `sha256-<hex>` clients keep; empty when neither lists anything.
   */
  async referrers(repository: string, digest: Digest): Promise<Descriptor[]> {
    const read = async (path: string, ok: number[]) => {
      const url = this.url(path);
      const res = await this.request(
        { method: 'GET', url, headers: { Accept: MediaType.ociIndex } },
        [repositoryScope(repository, 'pull')],
        ok,
      );
      if (res.status !== 200) return undefined;
      const ct = headerOf(res, 'content-type') ?? '';
      if (!ct.startsWith(MediaType.ociIndex)) return undefined;
      return (
        (JSON.parse(res.body.toString('utf8')) as { manifests?: Descriptor[] }).manifests ?? []
      );
    };
    return this.withRetry(`GET referrers ${repository}@${digest}`, async () => {
      const api = await read(`/v2/${repository}/referrers/${digest}`, [200, 404]);
      if (api) return api;
      return (
        (await read(`/v2/${repository}/manifests/${digest.replace(':', '-')}`, [200, 404])) ?? []
      );
    });
  }

  /** HEAD a manifest: its descriptor, or undefined when the registry does not have it. */
  async headManifest(
    repository: string,
    reference: string,
    accept: readonly string[] = MANIFEST_ACCEPT,
  ): Promise<Descriptor | undefined> {
    return this.withRetry(`HEAD manifest ${repository}:${reference}`, async () => {
      const res = await this.request(
        {
          method: 'HEAD',
          url: this.url(`/v2/${repository}/manifests/${reference}`),
          headers: { Accept: accept.join(', ') },
        },
        [repositoryScope(repository, 'pull')],
        [200, 404],
      );
      if (res.status === 404) return undefined;
      const digest = headerOf(res, 'docker-content-digest') as Digest | undefined;
      const size = Number(headerOf(res, 'content-length'));
      const mediaType = headerOf(res, 'content-type');
      if (!digest || !mediaType || !Number.isFinite(size)) {
        const blob = await this.getManifest(repository, reference, accept);
        return { mediaType: blob.mediaType, digest: blob.digest, size: blob.bytes.length };
      }
      return { mediaType, digest, size };
    });
  }

  /** PUT a manifest or index under a tag or its digest. */
  async putManifest(repository: string, reference: string, blob: Blob): Promise<Digest> {
    await this.putManifestAnswered(repository, reference, blob);
    return blob.digest;
  }

  /**
   * Stores a manifest that has a `subject` by its digest; true when the registry indexed it for
   * the referrers API (it answers with `OCI-Subject`), false when the client must keep the
   * referrers tag (`sha256-<hex>`) itself — distribution-spec v1.1.
   */
  async putReferrer(repository: string, blob: Blob): Promise<boolean> {
    const res = await this.putManifestAnswered(repository, blob.digest, blob);
    return headerOf(res, 'oci-subject') !== undefined;
  }

  private putManifestAnswered(
    repository: string,
    reference: string,
    blob: Blob,
  ): Promise<HttpResponse> {
    return this.withRetry(`PUT manifest ${repository}:${reference}`, async () => {
      const url = this.url(`/v2/${repository}/manifests/${reference}`);
      const res = await this.request(
        { method: 'PUT', url, headers: { 'Content-Type': blob.mediaType }, body: blob.bytes },
        [repositoryScope(repository, 'pull,push')],
        [201, 200],
      );
      const answered = headerOf(res, 'docker-content-digest');
      if (answered && answered !== blob.digest) {
        throw new RegistryError('PUT', url, res.status, {
          detail: `registry stored digest ${answered}, expected ${blob.digest}`,
        });
      }
      return res;
    });
  }

  /** All tags, following Link pagination. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    await this.ping();
    let next: string | undefined = this.url(`/v2/${repository}/tags/list?n=1000`);
    while (next) {
      const url: string = next;
      const res = await this.withRetry(`list tags ${repository}`, () =>
        this.request({ method: 'GET', url }, [repositoryScope(repository, 'pull')], [200, 404]),
      );
      if (res.status === 404) return [];
      tags.push(
        ...((JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []),
      );
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(headerOf(res, 'link') ?? '');
      next = link?.[1] ? this.resolve(link[1]) : undefined;
    }
    return tags;
  }
}

function headerOf(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function withDigest(location: string, digest: Digest): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

function checkDigest(body: Buffer, digest: Digest, method: string, url: string): Buffer {
  const actual = sha256Digest(body);
  if (digest.startsWith('sha256:') && actual !== digest) {
    // a corrupted read: read again, as a cut one is
    throw new RegistryError(method, url, undefined, {
      networkCode: CORRUPT_READ,
      detail: `served ${actual}, not ${digest}`,
    });
  }
  return body;
}
