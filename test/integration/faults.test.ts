/**
 * The fault suite: two-platform pushes through a proxy that faults a share of the requests at
 * random (seeded: the same faults every run) — 503 with Retry-After, 500, 429, resets before a
 * request and halfway through an upload, answers cut off halfway through their body, corrupted
 * blob reads, slow answers — in front of the real registry. Every push completes at 15 %; at
 * 40 % at least 19 of 20; and every tag, walked blob by blob on the registry itself, names a
 * complete image.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { incompleteTags, pushFresh } from './support/faults.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';

let work: string;
let registry: RunningRegistry;
let proxy: FaultProxy;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'faults-it-'));
  registry = await startRegistry();
  proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
});
afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('pushes through random faults (seeded)', () => {
  it.each([
    [0.15, 20, 1515],
    [0.4, 19, 4040],
  ])(
    'at %s of requests faulted, at least %s of 20 pushes complete; no tag is incomplete',
    async (rate, least, seed) => {
      const repository = `faults-${Math.round(rate * 100)}`;
      proxy.random = { rate, seed };
      proxy.injected.length = 0;
      const results: string[] = [];
      try {
        // the waits are counted, not slept: the 120 s budget is the same number of attempts
        const opts = { retry: { sleep: async () => undefined } };
        for (let i = 0; i < 20; i++)
          results.push(
            await pushFresh(
              proxy.host,
              join(work, `${repository}-${i}`),
              repository,
              `push-${i}`,
              opts,
            ),
          );
      } finally {
        delete proxy.random;
      }
      const failures = results.filter((r) => r !== 'complete');
      expect(results.length - failures.length).toBeGreaterThanOrEqual(least);
      // faults were really met, of more than one kind
      expect(proxy.injected.length).toBeGreaterThan(20);
      expect(new Set(proxy.injected.map((f) => f.split(' ')[0])).size).toBeGreaterThanOrEqual(3);
      expect(await incompleteTags(registry.host, repository)).toEqual([]);
    },
    240_000,
  );
});
