import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request another origin received: what it would have learned. */
export interface Seen {
  method: string;
  path: string;
  authorization?: string;
}

/**
 * A host that is not the registry (127.0.0.2, 127.0.0.3: other origins on loopback), as a
 * registry's storage or a hostile server may be. `challenge`: it answers every request 401 with a
 * Basic challenge — what a server that wants the registry's password does. `presigned`: it
 * accepts the request without credentials and passes it on to the registry with `upstreamAuth`,
 * as object storage behind a pre-signed upload URL does.
 */
export interface OtherOrigin {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startOtherOrigin(
  address: string,
  mode: 'challenge' | 'presigned',
  upstreamPort: number,
  upstreamAuth?: string,
): Promise<OtherOrigin> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    if (mode === 'challenge') {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="storage"' }).end();
      return;
    }
    forward(req, res, upstreamPort, upstreamAuth);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return {
    url: `http://${address}:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  authorization?: string,
  rewrite: (headers: IncomingMessage['headers']) => void = () => undefined,
): void {
  const path = req.url;
  const headers = { ...req.headers, host: `127.0.0.1:${port}` };
  if (authorization) headers.authorization = authorization;
  const up = request({ host: '127.0.0.1', port, method: req.method, path, headers }, (upRes) => {
    const out = { ...upRes.headers };
    rewrite(out);
    res.writeHead(upRes.statusCode ?? 502, out);
    upRes.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

/**
 * The registry as the client knows it (127.0.0.1), in front of a real one: it hands out upload
 * Locations on `location` and, on `link`, the next page of a tag list — another origin.
 */
export async function startOriginFront(
  upstreamPort: number,
  opts: { location?: string; link?: string },
): Promise<{ host: string; close(): Promise<void> }> {
  const elsewhere = (value: string | string[] | undefined, origin: string | undefined) => {
    if (!origin || typeof value !== 'string') return value;
    const u = new URL(value, 'http://front');
    return `${origin}${u.pathname}${u.search}`;
  };
  const server = createServer((req, res) => {
    const tags = /^\/v2\/(.+)\/tags\/list/.exec(req.url ?? '');
    if (tags && opts.link && !/last=/.test(req.url ?? '')) {
      // docker-registry 2.8 does not page tags: the first page is made here, one tag and a Link
      const up = request(
        { host: '127.0.0.1', port: upstreamPort, path: req.url, headers: req.headers },
        (upRes) => {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            if (upRes.statusCode !== 200) {
              res.writeHead(upRes.statusCode ?? 502, upRes.headers).end(Buffer.concat(chunks));
              return;
            }
            const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tags: string[] };
            const first = list.tags.slice(0, 1);
            res
              .writeHead(200, {
                'Content-Type': 'application/json',
                Link: `<${opts.link}/v2/${tags[1]}/tags/list?n=1000&last=${first[0]}>; rel="next"`,
              })
              .end(JSON.stringify({ ...list, tags: first }));
          });
        },
      );
      up.on('error', () => res.destroy());
      up.end();
      return;
    }
    forward(req, res, upstreamPort, undefined, (h) => {
      if (h.location) h.location = elsewhere(h.location, opts.location) as string;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
