import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IssueComment {
  id: number;
  body: string;
  issue: number;
  user: { login: string };
}

/** A check run as stored: every annotation any request carried, in order. */
export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  conclusion?: string;
  annotations: { path: string; start_line: number; annotation_level: string; message: string }[];
  /** How many annotations each request (create, then updates) carried. */
  batches: number[];
}

export interface GitHubApi {
  url: string;
  comments: IssueComment[];
  checkRuns: CheckRun[];
  requests: string[];
  /** Comment writes answer 403, as for a fork PR's read-only token. */
  readOnly: boolean;
  /** Called after a comment is created: a test can play a rival run here. */
  afterCreate?: (created: IssueComment) => void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length
    ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>)
    : {};
}

/**
 * The REST endpoints the summary and scan actions use: check runs created and updated (at most 50
 * annotations per request, as the API allows); as GitHub answers them: issue comments listed with
 * page/per_page and Link headers, created, updated, deleted; 403 for a read-only token.
 */
export async function startGitHubApi(): Promise<GitHubApi> {
  let nextId = 1000;
  const api: GitHubApi = {
    url: '',
    comments: [],
    requests: [],
    readOnly: false,
    checkRuns: [],
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      api.requests.push(`${req.method} ${url.pathname}${url.search}`);
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(value === undefined ? undefined : JSON.stringify(value));
      };
      if (!/^(token|Bearer) /.test(req.headers.authorization ?? ''))
        return json(401, { message: 'Requires authentication' });
      const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      const forbidden = () =>
        json(403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest',
        });
      // an installation token (GITHUB_TOKEN) may not read who it is, as GitHub answers
      if (url.pathname === '/user') return forbidden();
      const runs = /^\/repos\/[^/]+\/[^/]+\/check-runs(?:\/(\d+))?$/.exec(url.pathname);
      if (runs && (req.method === 'POST' || req.method === 'PATCH')) {
        if (api.readOnly) return forbidden();
        const b = (await body(req)) as {
          name?: string;
          head_sha?: string;
          conclusion?: string;
          output?: { annotations?: CheckRun['annotations'] };
        };
        const annotations = b.output?.annotations ?? [];
        // the API refuses more than 50 annotations in one request
        if (annotations.length > 50)
          return json(422, { message: 'Only 50 annotations may be sent per request' });
        let run = api.checkRuns.find((r) => r.id === Number(runs[1]));
        if (req.method === 'POST') {
          if (!b.name || !b.head_sha)
            return json(422, { message: 'name and head_sha are required' });
          run = { id: nextId++, name: b.name, head_sha: b.head_sha, annotations: [], batches: [] };
          api.checkRuns.push(run);
        }
        if (!run) return json(404, { message: 'Not Found' });
        if (b.conclusion) run.conclusion = b.conclusion;
        run.annotations.push(...annotations);
        run.batches.push(annotations.length);
        return json(req.method === 'POST' ? 201 : 200, { id: run.id, name: run.name });
      }
      if (list && req.method === 'GET') {
        const issue = Number(list[1]);
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = api.comments.filter((c) => c.issue === issue);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const link = (p: number, rel: string) =>
          `<${api.url}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
        const links = [
          ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
          ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
        ];
        return json(200, slice, links.length ? { Link: links.join(', ') } : {});
      }
      if (list && req.method === 'POST') {
        if (api.readOnly) return forbidden();
        const b = await body(req);
        const c: IssueComment = {
          id: nextId++,
          body: String(b.body ?? ''),
          issue: Number(list[1]),
          user: { login: 'github-actions[bot]' },
        };
        api.comments.push(c);
        api.afterCreate?.(c);
        return json(201, c);
      }
      if (one) {
        const c = api.comments.find((x) => x.id === Number(one[1]));
        if (api.readOnly && req.method !== 'GET') return forbidden();
        if (!c) return json(404, { message: 'Not Found' });
        if (req.method === 'PATCH') {
          c.body = String((await body(req)).body ?? '');
          return json(200, c);
        }
        if (req.method === 'DELETE') {
          api.comments = api.comments.filter((x) => x !== c);
          res.writeHead(204).end();
          return;
        }
      }
      json(404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return api;
}
