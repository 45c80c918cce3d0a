import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  method?: string;
  /** Matched against the request path. */
  path: RegExp;
  /** How many matching requests it affects. */
  times: number;
  /**
   * cut: the registry's answer is passed on, cut off halfway through its body; corrupt: passed
   * on whole with one byte changed; lie: the request is not passed on, and answered 201.
   */
  kind: 'status' | 'reset' | 'delay' | 'cut' | 'corrupt' | 'lie';
  status?: number;
  /** status: the error code in the body (default UNAVAILABLE, or TOOMANYREQUESTS for a 429). */
  code?: string;
  headers?: Record<string, string>;
  /** reset: destroy the connection after this many body bytes. */
  afterBytes?: number;
  delayMs?: number;
}

/** Faults at random, the same every run for one seed. */
export interface RandomFaults {
  /** The share of requests faulted, 0–1. */
  rate: number;
  seed: number;
}

export interface FaultProxy {
  host: string;
  faults: Fault[];
  random?: RandomFaults;
  /** Request body bytes of blob uploads that reached the registry. */
  blobBytes: number;
  requests: string[];
  injected: string[];
  close(): Promise<void>;
}

const isBlobUpload = (method: string, path: string) =>
  (method === 'PUT' || method === 'PATCH') && /\/blobs\/uploads\//.test(path);

/**
 * A proxy in front of a registry that injects 5xx, 429 with Retry-After, connection resets in
 * the middle of an upload body, and slow answers, and counts the blob bytes that pass.
 */
export async function startFaultProxy(upstreamPort: number): Promise<FaultProxy> {
  let draw: (() => number) | undefined;
  let seeded: number | undefined;
  const proxy: FaultProxy = {
    host: '',
    faults: [],
    blobBytes: 0,
    requests: [],
    injected: [],
    close: async () => undefined,
  };
  const forward = (req: IncomingMessage, res: ServerResponse, change?: 'cut' | 'corrupt') => {
    const path = req.url ?? '/';
    const up = request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (!change) return void upRes.pipe(res);
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const body = Buffer.concat(chunks);
          if (change === 'cut')
            return void res.write(body.subarray(0, Math.floor(body.length / 2)), () =>
              res.socket?.destroy(),
            );
          const at = Math.floor(body.length / 2);
          body[at] = (body[at] ?? 0) ^ 0xff;
          res.end(body);
        });
      },
    );
    up.on('error', () => res.destroy());
    req.on('data', (c: Buffer) => {
      if (isBlobUpload(req.method ?? '', path)) proxy.blobBytes += c.length;
    });
    req.pipe(up);
  };
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    proxy.requests.push(`${method} ${path}`);
    if (proxy.random && proxy.random.seed !== seeded) {
      seeded = proxy.random.seed;
      draw = mulberry32(seeded);
    }
    const fault =
      proxy.faults.find(
        (f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(path),
      ) ??
      (proxy.random && draw && draw() < proxy.random.rate
        ? randomFault(method, path, draw)
        : undefined);
    if (!fault) return forward(req, res);
    fault.times--;
    proxy.injected.push(
      `${fault.kind}${fault.status ? ` ${fault.status}` : ''} ${method} ${path.split('?')[0]}`,
    );
    if (fault.kind === 'cut' || fault.kind === 'corrupt') return forward(req, res, fault.kind);
    if (fault.kind === 'lie') {
      req.resume();
      req.on('end', () => res.writeHead(201, { 'Content-Length': '0' }).end());
      return;
    }
    if (fault.kind === 'delay') {
      setTimeout(() => forward(req, res), fault.delayMs ?? 1000);
      return;
    }
    if (fault.kind === 'reset') {
      let seen = 0;
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen >= (fault.afterBytes ?? 0)) req.socket.destroy();
      });
      req.on('end', () => req.socket.destroy());
      return;
    }
    req.resume();
    req.on('end', () => {
      const code = fault.code ?? (fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE');
      res.writeHead(fault.status ?? 500, {
        'Content-Type': 'application/json',
        ...(fault.headers ?? {}),
      });
      res.end(JSON.stringify({ errors: [{ code, message: 'injected by the test proxy' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

/** A small seeded PRNG (mulberry32): the same faults, in the same order, for one seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One of the faults a registry and the network between really produce: 503 with Retry-After,
 * 500, 429, a reset before the request is read, a reset halfway through an upload's body, an
 * answer cut off halfway through its body, a blob read with a byte changed, a slow answer.
 */
function randomFault(method: string, path: string, draw: () => number): Fault {
  const once = { path: /./, times: 1 };
  const upload = isBlobUpload(method, path);
  const read = method === 'GET';
  const kinds: Fault[] = [
    { ...once, kind: 'status', status: 503, headers: { 'Retry-After': '1' } },
    { ...once, kind: 'status', status: 500 },
    { ...once, kind: 'status', status: 429 },
    { ...once, kind: 'reset', afterBytes: 0 },
    { ...once, kind: 'delay', delayMs: 50 },
    ...(upload ? [{ ...once, kind: 'reset' as const, afterBytes: 512 }] : []),
    ...(read ? [{ ...once, kind: 'cut' as const }] : []),
    ...(read && /\/blobs\//.test(path) ? [{ ...once, kind: 'corrupt' as const }] : []),
  ];
  return kinds[Math.floor(draw() * kinds.length)]!;
}
