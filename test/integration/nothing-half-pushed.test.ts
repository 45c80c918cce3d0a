/**
 * Nothing half-pushed, through build-push as the runner runs it on the real registry: a build
 * that compiles for one platform and fails for the other uploads nothing at all (not even the
 * layer of the platform that compiled), and a blob upload that meets four transient faults in a
 * row still lands, with backoff, inside the retry time budget.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { Job } from '../harness/runner.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { imageTags, startRegistry, storedFiles, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { skopeoInspectRaw } from './support/skopeo.js';
import { addSlowPackage, commitAll, helloGoWorkspace } from './support/workspace.js';

let registry: RunningRegistry;
let proxy: FaultProxy;
let work: string;

beforeAll(async () => {
  requireGo();
  registry = await startRegistry();
  proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
  work = mkdtempSync(join(tmpdir(), 'half-pushed-it-'));
});

afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('nothing half-pushed', () => {
  it('amd64 compiles, arm64 does not: the step fails and not one blob is uploaded', async () => {
    const ws = helloGoWorkspace();
    // only the arm64 build sees these: a package that takes a while to compile, then a main
    // file that does not — so amd64 is built (and, were uploads not held back, uploading) first
    addSlowPackage(ws, 'slow_arm64.go');
    writeFileSync(
      join(ws, 'broken_arm64.go'),
      'package main\n\nimport "example.com/hello-go/slow"\n\nvar broken int = "not an int" + slow.F0(1)\n',
    );
    commitAll(ws, 'arm64 breaks', '2024-05-02T12:00:00Z');
    const job = await Job.create({ workspace: ws });
    try {
      const run = await job.uses('actions/build-push', {
        with: { platforms: 'linux/amd64,linux/arm64', images: `${registry.host}/half`, tags: 'v1' },
      });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain('linux-arm64');
      expect(run.errors[0]).toContain('broken_arm64.go');
      expect(storedFiles(registry, 'half')).toEqual([]);
    } finally {
      await job.cleanup();
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('a blob upload that fails four times in a row with 503 lands on the fifth try', async () => {
    const ws = helloGoWorkspace();
    proxy.faults.push({
      method: 'PUT',
      path: /\/blobs\/uploads\//,
      times: 4,
      kind: 'status',
      status: 503,
    });
    proxy.injected.length = 0;
    const job = await Job.create({ workspace: ws });
    try {
      const run = await job.uses('actions/build-push', {
        with: { platforms: 'linux/amd64', images: `${proxy.host}/flaky`, tags: 'v1' },
      });
      expect(run.errors).toEqual([]);
      expect(proxy.injected).toHaveLength(4);
      expect(proxy.faults.every((f) => f.times === 0)).toBe(true);
      const client = new RegistryClient(registry.host);
      // v1, and the referrers tags (sha256-<manifest>) that list each platform's SBOM and provenance
      expect(await imageTags(client, 'flaky')).toEqual(['v1']);
      client.close();
      await skopeoInspectRaw(`${registry.host}/flaky:v1`);
    } finally {
      await job.cleanup();
      rmSync(ws, { recursive: true, force: true });
    }
  }, 180_000);
});
