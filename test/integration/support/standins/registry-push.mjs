// Shared by the stand-ins: pushes blobs and manifests of a prepared OCI layout to a plain-HTTP
// registry with the Distribution API, as the real tool would after building.
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const { fetch } = globalThis;

export function layoutIndex(layout) {
  const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0];
  const blob = (d) => readFileSync(join(layout, 'blobs', 'sha256', d.slice('sha256:'.length)));
  return { top, index: JSON.parse(blob(top.digest).toString()), blob };
}

export async function pushBlobs(layout, name) {
  const [host, ...repo] = name.split('/');
  for (const hex of readdirSync(join(layout, 'blobs', 'sha256'))) {
    const body = readFileSync(join(layout, 'blobs', 'sha256', hex));
    const start = await fetch(`http://${host}/v2/${repo.join('/')}/blobs/uploads/`, {
      method: 'POST',
    });
    const location = new URL(start.headers.get('location'), `http://${host}`);
    location.searchParams.set('digest', `sha256:${hex}`);
    const put = await fetch(location, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 201) throw new Error(`blob upload ${hex}: ${put.status}`);
  }
}

export async function putManifest(name, reference, mediaType, body) {
  const [host, ...repo] = name.split('/');
  const r = await fetch(`http://${host}/v2/${repo.join('/')}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': mediaType },
  });
  if (r.status !== 201) throw new Error(`manifest ${reference}: ${r.status} ${await r.text()}`);
}

export function record(entry) {
  if (process.env.STANDIN_LOG)
    appendFileSync(process.env.STANDIN_LOG, JSON.stringify(entry) + '\n');
}

/** Fields of a Go-encoding/csv line (buildctl's --output and --secret values). */
export function csvFields(s) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '"' && s[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return Object.fromEntries(
    out.map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]),
  );
}
