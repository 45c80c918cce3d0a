import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { RegistryError, parseErrorBody, parseRetryAfter } from './errors.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A buffer, or a factory for a fresh stream (a retry needs a new one). */
  body?: Buffer | (() => Readable);
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface TransportOptions {
  /** Extra CA certificates (PEM) for TLS. NODE_EXTRA_CA_CERTS also applies. */
  ca?: string | Buffer;
  /**
   * The one `host[:port]` whose TLS certificate is not verified (a registry the user named in
   * insecure-registries); every other host — a token realm, an upload Location — is verified.
   */
  insecureHost?: string;
  userAgent?: string;
  /** Called with the byte count of every request body sent. */
  onBodyBytes?: (n: number) => void;
}

/** keep-alive HTTP(S) with streamed bodies; one per registry client. */
export class Transport {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private readonly https: HttpsAgent;
  /** Only for `insecureHost`: TLS without verification. */
  private readonly unverified: HttpsAgent | undefined;

  constructor(private readonly opts: TransportOptions = {}) {
    const tls = { keepAlive: true, maxSockets: 16, ...(opts.ca ? { ca: opts.ca } : {}) };
    this.https = new HttpsAgent(tls);
    this.unverified = opts.insecureHost
      ? new HttpsAgent({ ...tls, rejectUnauthorized: false })
      : undefined;
  }

  private agentFor(url: URL): HttpAgent {
    if (url.protocol !== 'https:') return this.http;
    return this.unverified && url.host === this.opts.insecureHost ? this.unverified : this.https;
  }

  /** Sends a request and buffers the response (manifests, tokens, errors: all small). */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.open(req);
    const chunks: Buffer[] = [];
    try {
      for await (const c of res) chunks.push(c as Buffer);
    } catch (err) {
      // cut while its body was read: as temporary as a reset before the answer
      throw networkError(
        req,
        err as NodeJS.ErrnoException,
        `after ${res.statusCode}, reading the body`,
      );
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  }

  /** Sends a request and hands back the response stream (blob downloads). */
  open(req: HttpRequest): Promise<IncomingMessage> {
    const url = new URL(req.url);
    const isHttps = url.protocol === 'https:';
    const headers: Record<string, string> = {
      'User-Agent': this.opts.userAgent ?? 'gantry',
      ...(req.headers ?? {}),
    };
    if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
    return new Promise((resolve, reject) => {
      const r = (isHttps ? httpsRequest : httpRequest)(
        url,
        {
          method: req.method,
          headers,
          agent: this.agentFor(url),
          timeout: req.timeoutMs ?? 120_000,
        },
        resolve,
      );
      r.on('timeout', () =>
        r.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
      );
      // a body read from elsewhere that failed (a copy's source) is that read's error, said as
      // it is: a blob missing at the source is no reset of this request
      r.on('error', (err: NodeJS.ErrnoException) =>
        reject(err instanceof RegistryError ? err : networkError(req, err)),
      );
      const body = req.body;
      if (body === undefined) r.end();
      else if (Buffer.isBuffer(body)) {
        this.opts.onBodyBytes?.(body.length);
        r.end(body);
      } else {
        const stream = body();
        stream.on('data', (c: Buffer) => this.opts.onBodyBytes?.(c.length));
        stream.on('error', (err) => r.destroy(err));
        stream.pipe(r);
      }
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
    this.unverified?.destroy();
  }
}

/** A request cut by the network (a reset, a timeout), named by its method and URL. */
function networkError(req: HttpRequest, err: NodeJS.ErrnoException, when?: string): RegistryError {
  const cause = err.message && err.message !== err.code ? err.message : '';
  return new RegistryError(req.method, req.url, undefined, {
    networkCode:
      err.code ?? (err instanceof RegistryError ? err.networkCode : undefined) ?? 'ECONNRESET',
    detail: [when, cause].filter(Boolean).join(': ') || undefined,
  });
}

/** Turns a non-2xx response into a RegistryError with the registry's codes and Retry-After. */
export function errorFrom(req: HttpRequest, res: HttpResponse, detail?: string): RegistryError {
  const retryAfter = res.headers['retry-after'];
  return new RegistryError(req.method, req.url, res.status, {
    codes: parseErrorBody(res.body),
    retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
    detail,
  });
}
