import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  status?: number;
  body?: Buffer | string;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  /** `METHOD path` of every request, in order. */
  requests: string[];
  routes: Map<string, Route | ((req: IncomingMessage, res: ServerResponse) => void)>;
  close(): Promise<void>;
}

/** A small HTTP server on 127.0.0.1 with a fixed route table (keys are decoded paths). */
export async function startServer(): Promise<TestServer> {
  const requests: string[] = [];
  const routes: TestServer['routes'] = new Map();
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push(`${req.method} ${path}`);
    const route = routes.get(path);
    if (typeof route === 'function') return route(req, res);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(route.status ?? 200, route.headers ?? {});
    res.end(req.method === 'HEAD' ? undefined : route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
