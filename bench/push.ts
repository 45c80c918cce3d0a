/**
 * Push throughput: gantry's registry client against `skopeo copy`, same image, same registry,
 * side by side. The image (about 200 MB in several incompressible layers) is built here.
 * Run: npm run bench -- push
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OciLayout } from '../src/oci/layout.js';
import { RegistryClient } from '../src/oci/registry/client.js';
import { publish } from '../src/publish/publish.js';
import { LayoutTarget, RegistryTarget } from '../src/publish/target.js';
import { makeImage } from '../test/integration/support/image.js';
import { startRegistry } from '../test/integration/support/registry.js';
import { requireProgram } from '../test/integration/support/require.js';

const run = promisify(execFile);
const LAYERS = Number(process.env.BENCH_LAYERS ?? 4);
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const skopeo = requireProgram('skopeo', 'skopeo');
  const work = mkdtempSync(join(tmpdir(), 'bench-push-'));
  try {
    mkdirSync(join(work, 'img'));
    const files = Array.from({ length: LAYERS }, (_, i) => ({
      [`layer-${i}.bin`]: randomBytes(LAYER_MB << 20),
    }));
    const image = makeImage(join(work, 'img'), { os: 'linux', architecture: 'amd64' }, files);
    const bytes = image.blobs.reduce((n, b) => n + b.descriptor.size, 0);
    const layout = new OciLayout(join(work, 'layout'));
    await layout.init();
    await publish(new LayoutTarget(layout), [image], image.manifest, ['v1']);

    const gantry: number[] = [];
    const skopeoTimes: number[] = [];
    // A fresh registry for every push: nothing to mount or skip (skopeo remembers where it
    // pushed blobs before and would mount them).
    const timed = async (push: (host: string) => Promise<unknown>) => {
      const registry = await startRegistry();
      try {
        const t = process.hrtime.bigint();
        await push(registry.host);
        return Number(process.hrtime.bigint() - t) / 1e9;
      } finally {
        await registry.stop();
      }
    };
    for (let round = 0; round < ROUNDS; round++) {
      gantry.push(
        await timed(async (host) => {
          const client = new RegistryClient(host);
          await publish(new RegistryTarget(client, 'bench/app'), [image], image.manifest, ['v1']);
          client.close();
        }),
      );
      skopeoTimes.push(
        await timed((host) =>
          run(skopeo, [
            'copy',
            '--dest-tls-verify=false',
            `oci:${layout.dir}:v1`,
            `docker://${host}/bench/app:v1`,
          ]),
        ),
      );
    }
    const mb = bytes / (1 << 20);
    const g = median(gantry);
    const s = median(skopeoTimes);
    console.log(
      `push of one ${mb.toFixed(0)} MiB image (${LAYERS} layers + config) to a local registry, median of ${ROUNDS}`,
    );
    console.log(`${'tool'.padEnd(14)}${'seconds'.padStart(10)}${'MiB/s'.padStart(10)}`);
    console.log(
      `${'gantry'.padEnd(14)}${g.toFixed(2).padStart(10)}${(mb / g).toFixed(1).padStart(10)}`,
    );
    console.log(
      `${'skopeo copy'.padEnd(14)}${s.toFixed(2).padStart(10)}${(mb / s).toFixed(1).padStart(10)}`,
    );
    console.log(`ratio gantry/skopeo time: ${(g / s).toFixed(2)} (below 1 means gantry is faster)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
