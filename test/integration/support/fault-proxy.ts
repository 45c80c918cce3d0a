import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  method?: string;
  /** Matched against the request path. */
  path: RegExp;
  /** How many matching requests it affects. */
  times: number;
  kind: 'status' | 'reset' | 'delay';
  status?: number;
  headers?: Record<string, string>;
  /** reset: destroy the connection after this many body bytes. */
  afterBytes?: number;
  delayMs?: number;
}

export interface FaultProxy {
  host: string;
  faults: Fault[];
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
  const proxy: FaultProxy = {
    host: '',
    faults: [],
    blobBytes: 0,
    requests: [],
    injected: [],
    close: async () => undefined,
  };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const up = request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
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
    const fault = proxy.faults.find(
      (f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(path),
    );
    if (!fault) return forward(req, res);
    fault.times--;
    proxy.injected.push(
      `${fault.kind}${fault.status ? ` ${fault.status}` : ''} ${method} ${path.split('?')[0]}`,
    );
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
      const code = fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE';
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
