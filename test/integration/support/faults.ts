import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildIndex } from '../../../src/oci/index.js';
import type { ImageIndex, ImageManifest } from '../../../src/oci/manifest.js';
import { RegistryClient, type RegistryClientOptions } from '../../../src/oci/registry/client.js';
import { publish } from '../../../src/publish/publish.js';
import { RegistryTarget } from '../../../src/publish/target.js';
import { makeImage } from './image.js';

/**
 * A two-platform image of its own (64 KiB of noise per layer, made in `dir`) pushed under `tag`
 * through `host`: 'complete', or the error it ended with.
 */
export async function pushFresh(
  host: string,
  dir: string,
  repository: string,
  tag: string,
  opts: RegistryClientOptions = {},
): Promise<'complete' | string> {
  const images = (['amd64', 'arm64'] as const).map((architecture) => {
    mkdirSync(join(dir, architecture), { recursive: true });
    return makeImage(join(dir, architecture), { os: 'linux', architecture }, [
      { app: randomBytes(64 * 1024) },
    ]);
  });
  const client = new RegistryClient(host, opts);
  try {
    const { blob } = buildIndex(images.map((i) => i.descriptor));
    await publish(new RegistryTarget(client, repository), images, blob, [tag]);
    return 'complete';
  } catch (err) {
    return (err as Error).message;
  } finally {
    client.close();
  }
}

/** Tags whose image lacks a manifest or a blob, walked blob by blob on `host` (the registry itself). */
export async function incompleteTags(host: string, repository: string): Promise<string[]> {
  const client = new RegistryClient(host);
  const incomplete: string[] = [];
  try {
    for (const tag of await client.listTags(repository)) {
      try {
        const index = JSON.parse(
          (await client.getManifest(repository, tag)).bytes.toString(),
        ) as ImageIndex;
        for (const d of index.manifests) {
          const m = JSON.parse(
            (await client.getManifest(repository, d.digest)).bytes.toString(),
          ) as ImageManifest;
          for (const b of [m.config, ...m.layers])
            if (!(await client.blobExists(repository, b.digest)))
              throw new Error(`${d.digest} lacks ${b.digest}`);
        }
      } catch (err) {
        incomplete.push(`${tag}: ${(err as Error).message}`);
      }
    }
  } finally {
    client.close();
  }
  return incomplete;
}
