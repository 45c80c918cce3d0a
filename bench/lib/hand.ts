/**
 * The pipeline a skilled user writes by hand with the fastest standard tools — what ko does
 * inside — for an image of one binary on two platforms, each platform's chain run at once:
 *
 *   go build (amd64) & go build (arm64)              -trimpath -ldflags '-s -w …'
 *   tar | gzip -1   per binary, as soon as it is linked
 *   crane append -b <empty image of the platform> -f layer.tgz -t repo:<arch>
 *   crane index append -m repo:amd64 -m repo:arm64 -t repo:<tag>
 *
 * crane is go-containerregistry's, built from Debian's sources (the 0.14 there has no
 * `append --platform`, so each platform's empty base, pushed once before the rounds, carries it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { descriptorOf, toBlob } from '../../src/oci/manifest.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { blobToPush } from '../../src/oci/blob.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { REPO_ROOT } from '../../test/harness/paths.js';
import { buildCrane, craneMissing } from '../../test/integration/support/crane.js';

const run = promisify(execFile);

/** crane: GANTRY_CRANE, else built once into node_modules/.cache; or why it cannot be. */
export async function findCrane(): Promise<{ bin?: string; missing?: string }> {
  if (process.env.GANTRY_CRANE) return { bin: process.env.GANTRY_CRANE };
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'gantry-bench', 'crane');
  if (existsSync(join(dir, 'crane'))) return { bin: join(dir, 'crane') };
  const missing = craneMissing();
  if (missing) return { missing };
  console.error('building crane from Debian’s go-containerregistry sources (once)…');
  return { bin: await buildCrane(dir) };
}

/** An empty image per platform (its config names it) under `repository:<arch>`: the bases. */
export async function pushPlatformBases(
  host: string,
  repository: string,
  arches: readonly string[],
): Promise<void> {
  const client = new RegistryClient(host);
  try {
    for (const arch of arches) {
      const config = toBlob(MediaType.ociConfig, {
        architecture: arch,
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [] },
      });
      const manifest = toBlob(MediaType.ociManifest, {
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
        layers: [],
      });
      const image = {
        platform: { os: 'linux', architecture: arch },
        manifest,
        descriptor: descriptorOf(manifest, { platform: { os: 'linux', architecture: arch } }),
        blobs: [blobToPush(config)],
      };
      await publish(new RegistryTarget(client, repository), [image], manifest, [arch]);
    }
  } finally {
    client.close();
  }
}

/** One round of the hand pipeline: `go` builds `dir` into `name`, pushed to host/repository. */
export function handPipeline(o: {
  go: string;
  crane: string;
  dir: string;
  work: string;
  name: string;
  host: string;
  repository: string;
  bases: string;
  arches: readonly string[];
  ldflags: string;
  env: NodeJS.ProcessEnv;
}): () => Promise<void> {
  const repo = `${o.host}/${o.repository}`;
  return async () => {
    await Promise.all(
      o.arches.map(async (arch) => {
        const root = join(o.work, `hand-${arch}`);
        mkdirSync(join(root, 'usr', 'local', 'bin'), { recursive: true });
        await run(
          o.go,
          [
            'build',
            '-trimpath',
            '-ldflags',
            o.ldflags,
            '-o',
            join(root, 'usr', 'local', 'bin', o.name),
            '.',
          ],
          { cwd: o.dir, env: { ...o.env, GOARCH: arch } },
        );
        const layer = join(o.work, `hand-${arch}.tgz`);
        await run('sh', ['-c', `tar -C "${root}" -cf - usr | gzip -1 > "${layer}"`]);
        await run(o.crane, [
          'append',
          '--insecure',
          '-b',
          `${o.host}/${o.bases}:${arch}`,
          '-f',
          layer,
          '-t',
          `${repo}:${arch}`,
        ]);
      }),
    );
    await run(o.crane, [
      'index',
      'append',
      '--insecure',
      ...o.arches.flatMap((a) => ['-m', `${repo}:${a}`]),
      '-t',
      `${repo}:latest`,
    ]);
  };
}
