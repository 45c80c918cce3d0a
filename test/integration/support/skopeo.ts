import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireProgram } from './require.js';

// Async on purpose: a token service or proxy in this process must keep answering while skopeo runs.
const run = promisify(execFile);

export interface SkopeoAuth {
  creds?: string;
  certDir?: string;
}

function tlsArgs(prefix: '' | 'src-', auth: SkopeoAuth): string[] {
  const args = auth.certDir
    ? [`--${prefix}cert-dir`, auth.certDir]
    : [`--${prefix}tls-verify=false`];
  if (auth.creds) args.push(`--${prefix}creds`, auth.creds);
  return args;
}

/** The manifest bytes as an independent client reads them. */
export async function skopeoInspectRaw(ref: string, auth: SkopeoAuth = {}): Promise<Buffer> {
  const skopeo = requireProgram('skopeo', 'skopeo');
  const { stdout } = await run(
    skopeo,
    ['inspect', '--raw', ...tlsArgs('', auth), `docker://${ref}`],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  return stdout;
}

/** skopeo copy --all into an OCI layout dir; returns the digest of the copied top manifest. */
export async function skopeoCopyToOci(
  ref: string,
  dir: string,
  auth: SkopeoAuth = {},
): Promise<string> {
  const skopeo = requireProgram('skopeo', 'skopeo');
  await run(skopeo, [
    'copy',
    '--all',
    '--preserve-digests',
    ...tlsArgs('src-', auth),
    `docker://${ref}`,
    `oci:${dir}:copied`,
  ]);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  return index.manifests[0]?.digest ?? '';
}
