import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A descriptor in a referrers list (OCI distribution-spec v1.1). */
interface Referrer {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ReferrersFront {
  host: string;
  /** subject digest → what referred to it, as the API lists them. */
  referrers: Map<string, Referrer[]>;
  close(): Promise<void>;
}

/**
 * The referrers API of distribution-spec v1.1 in front of a registry that lacks it (Debian's
 * docker-registry 2.8): a manifest PUT with a `subject` is stored upstream, indexed here and
 * answered with `OCI-Subject`; `GET /v2/<name>/referrers/<digest>` lists what refers to a
 * digest (filtered by `artifactType`), as registries with the API do. Everything else passes.
 */
export async function startReferrersFront(upstreamPort: number): Promise<ReferrersFront> {
  const front: ReferrersFront = {
    host: '',
    referrers: new Map(),
    close: async () => undefined,
  };
  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const up = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upRes) => {
        const headers = { ...upRes.headers };
        if (body && (upRes.statusCode ?? 0) < 300) {
          const m = JSON.parse(body.toString('utf8')) as Referrer & {
            subject?: { digest: string };
            config?: { mediaType: string };
          };
          if (m.subject) {
            const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
            const list = front.referrers.get(m.subject.digest) ?? [];
            if (!list.some((d) => d.digest === digest))
              list.push({
                mediaType: m.mediaType,
                digest,
                size: body.length,
                ...(m.artifactType ? { artifactType: m.artifactType } : {}),
                ...(m.annotations ? { annotations: m.annotations } : {}),
              });
            front.referrers.set(m.subject.digest, list);
            headers['oci-subject'] = m.subject.digest;
          }
        }
        res.writeHead(upRes.statusCode ?? 502, headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    if (body) up.end(body);
    else req.pipe(up);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const listing = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    if (req.method === 'GET' && listing) {
      const type = url.searchParams.get('artifactType');
      const manifests = (front.referrers.get(listing[2]!) ?? []).filter(
        (d) => !type || d.artifactType === type,
      );
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.index.v1+json' });
      res.end(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests,
        }),
      );
      return;
    }
    if (req.method === 'PUT' && /\/manifests\//.test(url.pathname)) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => forward(req, res, Buffer.concat(chunks)));
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  front.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return front;
}
