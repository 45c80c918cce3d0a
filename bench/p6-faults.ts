/**
 * P6: pushes through faults. N two-platform pushes (64 KiB layers) through a proxy that faults a
 * share of the requests at random (seeded; the fault suite's kinds: 5xx with and without
 * Retry-After, 429, resets before and during a request, answers cut off, corrupted blob reads,
 * slow answers) in front of a local registry, with real waits: how many complete, how many tags
 * name an incomplete image (walked blob by blob on the registry itself), and the time per push
 * against the same pushes without faults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy } from '../test/integration/support/fault-proxy.js';
import { incompleteTags, pushFresh } from '../test/integration/support/faults.js';
import { startRegistry } from '../test/integration/support/registry.js';
import { type Figure } from './lib/table.js';

const PUSHES = 20;

export async function measureFaults(): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-p6-'));
  const registry = await startRegistry();
  const proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
  try {
    const run = async (rate: number, seed: number) => {
      const repository = `faults-${Math.round(rate * 100)}`;
      if (rate) proxy.random = { rate, seed };
      else delete proxy.random;
      const times: number[] = [];
      let failed = 0;
      for (let i = 0; i < PUSHES; i++) {
        const started = process.hrtime.bigint();
        const r = await pushFresh(
          proxy.host,
          join(work, `${repository}-${i}`),
          repository,
          `p${i}`,
        );
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        if (r !== 'complete') failed++;
      }
      delete proxy.random;
      return {
        times,
        failed,
        incomplete: (await incompleteTags(registry.host, repository)).length,
      };
    };
    const clean = await run(0, 0);
    const at15 = await run(0.15, 1515);
    const at40 = await run(0.4, 4040);
    const median = [...clean.times].sort((a, b) => a - b)[Math.floor(PUSHES / 2)]!;
    const versus = { what: 'no faults', median };
    return [
      {
        id: 'P6',
        what: `${PUSHES} pushes, no faults: time per push`,
        samples: clean.times,
        unit: 's',
      },
      ...(
        [
          [15, at15, 0],
          [40, at40, Math.floor(PUSHES * 0.05)],
        ] as const
      ).flatMap(([pct, r, allowed]) => [
        {
          id: 'P6',
          what: `${pct} % of requests faulted: pushes that did not complete (of ${PUSHES})`,
          samples: [r.failed],
          unit: 'n' as const,
          target: {
            value: allowed,
            text: allowed ? `≤ ${allowed} (≥ 95 % complete)` : '0 (all complete)',
          },
        },
        {
          id: 'P6',
          what: `${pct} %: tags naming an incomplete image`,
          samples: [r.incomplete],
          unit: 'n' as const,
          target: { value: 0, text: '0' },
        },
        {
          id: 'P6',
          what: `${pct} %: time per push`,
          samples: r.times,
          unit: 's' as const,
          versus,
        },
      ]),
    ];
  } finally {
    await proxy.close();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
