import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

export interface CacheEntry {
  key: string;
  version: string;
  created: number;
  body?: Buffer;
  finalized: boolean;
}

export interface CacheService {
  /** ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_SERVICE_V2 as the runner sets them. */
  env: Record<string, string>;
  entries: CacheEntry[];
  /** `METHOD path` of every request. */
  requests: string[];
  /** none: answer; 5xx: every RPC answers 503; hang: RPCs never answer. */
  fault: 'none' | '5xx' | 'hang';
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The Actions cache service (v2) as @actions/cache speaks to it: Twirp JSON RPCs
 * (GetCacheEntryDownloadURL, CreateCacheEntry, FinalizeCacheEntryUpload) with the runtime token,
 * and an Azure-Blob-style signed URL the library uploads to with the Blob SDK (Put Blob) and
 * downloads from with a plain GET. Matching follows the service: the exact key and version, else
 * the newest finalized entry whose key starts with a restore key.
 */
export async function startCacheService(): Promise<CacheService> {
  const token = 'gantry-runtime-token-' + Math.random().toString(36).slice(2);
  let clock = 0;
  const svc: CacheService = {
    env: {},
    entries: [],
    requests: [],
    fault: 'none',
    close: async () => {},
  };
  const blobUrl = (base: string, i: number) =>
    `${base}/devstoreaccount1/actions-cache/${i}?sig=signed-${token}`;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      svc.requests.push(`${req.method} ${url.pathname}`);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (url.pathname.startsWith('/devstoreaccount1/actions-cache/')) {
        const entry = svc.entries[Number(url.pathname.split('/').pop())];
        if (!entry || url.searchParams.get('sig') !== `signed-${token}`)
          return res.writeHead(403).end();
        if (req.method === 'PUT') {
          if (url.searchParams.has('comp'))
            return res.writeHead(400).end('block uploads are not served here');
          entry.body = await readBody(req);
          return res
            .writeHead(201, {
              etag: `"0x${entry.created}"`,
              'last-modified': new Date().toUTCString(),
              'x-ms-request-id': String(entry.created),
              'x-ms-version': '2025-05-05',
            })
            .end();
        }
        if (req.method === 'GET' && entry.finalized && entry.body) {
          return res
            .writeHead(200, {
              'content-type': 'application/octet-stream',
              'content-length': String(entry.body.length),
            })
            .end(entry.body);
        }
        return res.writeHead(404).end();
      }
      if (!url.pathname.startsWith(SERVICE) || req.method !== 'POST')
        return res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${token}`)
        return json(res, 401, { code: 'unauthenticated', msg: 'bad token' });
      if (svc.fault === 'hang') return; // never answers
      if (svc.fault === '5xx')
        return json(res, 503, { code: 'unavailable', msg: 'cache service down' });
      const body = JSON.parse((await readBody(req)).toString() || '{}') as Record<string, unknown>;
      const method = url.pathname.slice(SERVICE.length);
      const version = String(body.version ?? '');
      const key = String(body.key ?? '');
      if (method === 'GetCacheEntryDownloadURL') {
        const live = svc.entries.filter((e) => e.finalized && e.version === version);
        const newest = (m: (k: string) => boolean) =>
          live.filter((e) => m(e.key)).sort((a, b) => b.created - a.created)[0];
        const restoreKeys = (body.restore_keys as string[] | undefined) ?? [];
        const hit =
          newest((k) => k === key) ??
          restoreKeys.map((p) => newest((k) => k.startsWith(p))).find(Boolean);
        if (!hit) return json(res, 200, { ok: false });
        return json(res, 200, {
          ok: true,
          signed_download_url: blobUrl(base, svc.entries.indexOf(hit)),
          matched_key: hit.key,
        });
      }
      if (method === 'CreateCacheEntry') {
        if (svc.entries.some((e) => e.key === key && e.version === version))
          return json(res, 409, {
            code: 'already_exists',
            msg: 'cache entry with the same key, version, and scope already exists',
          });
        svc.entries.push({ key, version, created: ++clock, finalized: false });
        return json(res, 200, {
          ok: true,
          signed_upload_url: blobUrl(base, svc.entries.length - 1),
        });
      }
      if (method === 'FinalizeCacheEntryUpload') {
        const i = svc.entries.findIndex(
          (e) => e.key === key && e.version === version && !e.finalized,
        );
        const entry = svc.entries[i];
        if (!entry?.body || String(entry.body.length) !== String(body.size_bytes))
          return json(res, 200, { ok: false, message: 'no upload of that size for this entry' });
        entry.finalized = true;
        return json(res, 200, { ok: true, entry_id: String(i + 1) });
      }
      return json(res, 404, { code: 'bad_route', msg: `no method ${method}` });
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  svc.env = {
    ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/`,
    ACTIONS_RUNTIME_TOKEN: token,
    ACTIONS_CACHE_SERVICE_V2: 'True',
  };
  svc.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return svc;
}
