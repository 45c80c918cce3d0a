import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireProgram } from './require.js';

const run = promisify(execFile);

/**
 * A multi-platform base made by buildah (a peer's images, not ours): one layer per platform
 * holding /etc/base-release = `<label> for <arch>`, pushed as an index to `ref` over plain HTTP.
 * Each call is new content under the same name.
 */
export async function pushBuildahBase(
  work: string,
  ref: string,
  label: string,
  arches: readonly string[],
): Promise<void> {
  const buildah = requireProgram('buildah', 'buildah');
  const storage = [
    '--root',
    join(work, 'buildah-storage'),
    '--runroot',
    join(work, 'buildah-run'),
    '--storage-driver',
    'vfs',
  ];
  const b = (...args: string[]) => run(buildah, [...storage, ...args]);
  const list = `localhost/gantry-test-base-${label}`;
  await b('manifest', 'create', list);
  for (const arch of arches) {
    const root = join(work, `base-${label}-${arch}`);
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'base-release'), `${label} for ${arch}\n`);
    const c = (await b('from', 'scratch')).stdout.trim();
    await b('copy', c, root, '/');
    await b('config', '--os', 'linux', '--arch', arch, '--created-by', `base ${label}`, c);
    const image = `localhost/gantry-test-base-${label}-${arch}`;
    await b('commit', '-q', '--timestamp', '0', c, image);
    await b('rm', c);
    await b('manifest', 'add', list, `containers-storage:${image}`);
  }
  await b('manifest', 'push', '--all', '--tls-verify=false', list, `docker://${ref}`);
}
