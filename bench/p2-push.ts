/**
 * P2: pushing a fresh two-platform image (examples/orders-api, built once into an OCI layout):
 * gantry's publish (what build-push and merge push with) against `skopeo copy --all`, each into
 * a new repository of a fresh local registry; and what an identical rebuild uploads (through a
 * proxy that counts the blob bytes that pass): nothing; and the same under a new tag: nothing.
 */
import { execFile } from 'node:child_process';
import { createReadStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Digest } from '../src/oci/digest.js';
import type { ImageIndex, ImageManifest } from '../src/oci/manifest.js';
import { RegistryClient } from '../src/oci/registry/client.js';
import type { ManifestToPush } from '../src/oci/blob.js';
import { publish } from '../src/publish/publish.js';
import { RegistryTarget } from '../src/publish/target.js';
import { Job } from '../test/harness/runner.js';
import { startFaultProxy } from '../test/integration/support/fault-proxy.js';
import { startRegistry } from '../test/integration/support/registry.js';
import { requireProgram } from '../test/integration/support/require.js';
import { exampleWorkspace } from '../test/integration/support/workspace.js';
import { timed, type Figure } from './lib/table.js';

const run = promisify(execFile);

/** The image in a layout, as publish takes it: platform manifests with their blobs, the index. */
function fromLayout(
  dir: string,
  top: Digest,
): { manifests: ManifestToPush[]; index: ReturnType<typeof blob> } {
  const path = (d: string) => join(dir, 'blobs', 'sha256', d.slice(7));
  const index = blob(path(top), top, 'application/vnd.oci.image.index.v1+json');
  const manifests = (JSON.parse(index.bytes.toString()) as ImageIndex).manifests.map((d) => {
    const m = blob(path(d.digest), d.digest, d.mediaType);
    const parsed = JSON.parse(m.bytes.toString()) as ImageManifest;
    return {
      manifest: m,
      blobs: [parsed.config, ...parsed.layers].map((b) => ({
        descriptor: { digest: b.digest, size: b.size },
        source: (start?: number, end?: number) =>
          createReadStream(path(b.digest), {
            ...(start !== undefined ? { start } : {}),
            ...(end !== undefined ? { end } : {}),
          }),
      })),
    };
  });
  return { manifests, index };
}

function blob(file: string, digest: Digest, mediaType: string) {
  return { bytes: readFileSync(file), digest, mediaType };
}

export async function measurePush(rounds: number): Promise<Figure[]> {
  const skopeo = requireProgram('skopeo', 'skopeo');
  const workspace = exampleWorkspace('orders-api');
  const registry = await startRegistry();
  const proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
  const job = await Job.create({ workspace });
  try {
    const layout = join(job.runnerTemp, 'layout');
    const built = await job.uses('actions/build-push', {
      with: { platforms: 'linux/amd64,linux/arm64', tags: 'bench', 'oci-layout': layout },
    });
    if (built.exitCode !== 0) throw new Error(`build-push failed: ${built.errors.join('; ')}`);
    const image = fromLayout(layout, built.outputs.digest as Digest);
    const bytes = image.manifests
      .flatMap((m) => m.blobs)
      .reduce((n, b) => n + b.descriptor.size, 0);
    const gantry: number[] = [];
    const skopeoTimes: number[] = [];
    const client = new RegistryClient(registry.host);
    for (let r = 0; r < rounds; r++) {
      gantry.push(
        await timed(() =>
          publish(new RegistryTarget(client, `gantry-${r}`), image.manifests, image.index, [
            'bench',
          ]),
        ),
      );
      skopeoTimes.push(
        await timed(() =>
          run(skopeo, [
            'copy',
            '--all',
            '--dest-tls-verify=false',
            `oci:${layout}:bench`,
            `docker://${registry.host}/skopeo-${r}:bench`,
          ]),
        ),
      );
    }
    client.close();

    // an identical rebuild of one commit, pushed twice through the counting proxy, then once
    // more under a new tag (a release of a commit built before)
    const pushed: number[] = [];
    for (const tag of ['bench', 'bench', 'release']) {
      const before = proxy.blobBytes;
      const r = await job.uses('actions/build-push', {
        with: { platforms: 'linux/amd64,linux/arm64', tags: `${proxy.host}/rebuild:${tag}` },
      });
      if (r.exitCode !== 0) throw new Error(`build-push failed: ${r.errors.join('; ')}`);
      pushed.push(proxy.blobBytes - before);
    }
    const mib = (bytes / (1 << 20)).toFixed(1);
    return [
      {
        id: 'P2',
        what: `skopeo copy --all: fresh push, ${mib} MiB, 2 platforms`,
        samples: skopeoTimes,
        unit: 's',
      },
      {
        id: 'P2',
        what: `gantry publish: the same image`,
        samples: gantry,
        unit: 's',
        versus: {
          what: 'skopeo',
          median: [...skopeoTimes].sort((a, b) => a - b)[Math.floor(skopeoTimes.length / 2)]!,
        },
        target: { ratio: 1, text: '≤ 1× skopeo (throughput ≥ 1×)' },
      },
      {
        id: 'P2',
        what: 'first push of the build (through the proxy)',
        samples: [pushed[0]!],
        unit: 'B',
      },
      {
        id: 'P2',
        what: 'identical rebuild of the commit: blob bytes uploaded',
        samples: [pushed[1]!],
        unit: 'B',
        target: { value: 0, text: '0 bytes' },
      },
      {
        id: 'P2',
        what: 'the identical build under a new tag: blob bytes uploaded',
        samples: [pushed[2]!],
        unit: 'B',
        target: { value: 0, text: '0 bytes' },
      },
    ];
  } finally {
    await job.cleanup();
    await proxy.close();
    await registry.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
