/**
 * rebuild-check on the real registry: an image built by the go builder on a two-platform base;
 * the base moves (a new image under the same tag) → one reason per platform, a rebase suffices;
 * a Go patch release (served by a local release-list server) → a rebuild; a missing image →
 * needed. The checks go through a proxy that records every request: they only read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../src/oci/index.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import type { Reason } from '../../src/rebuild/check.js';
import { Job } from '../harness/runner.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { startServer, type TestServer } from './support/http.js';
import { makeImage } from './support/image.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { helloGoWorkspace } from './support/workspace.js';

let registry: RunningRegistry;
let proxy: FaultProxy;
let server: TestServer;
let work: string;
let workspace: string;
let goVersion: string;
const baseDigests: Record<string, Record<string, string>> = {};

/** base/runtime:1, two platforms; each `generation` is different content under the same tag. */
async function pushBase(generation: string): Promise<void> {
  const client = new RegistryClient(registry.host);
  const images = ['amd64', 'arm64'].map((arch) => {
    const dir = join(work, `base-${generation}-${arch}`);
    mkdirSync(dir, { recursive: true });
    return makeImage(dir, { os: 'linux', architecture: arch }, [
      { 'base-release': `base ${generation} for ${arch}\n` },
    ]);
  });
  await publish(
    new RegistryTarget(client, 'base/runtime'),
    images,
    buildIndex(images.map((i) => i.descriptor)).blob,
    ['1'],
  );
  baseDigests[generation] = Object.fromEntries(
    images.map((i) => [`linux/${i.descriptor.platform!.architecture}`, i.descriptor.digest]),
  );
  client.close();
}

/** Go's release list as go.dev serves it (newest first): `versions` stable releases. */
function serveGoReleases(versions: string[]): void {
  server.routes.set('/dl/', {
    body: Buffer.from(
      JSON.stringify(versions.map((version) => ({ version, stable: true, files: [] }))),
    ),
  });
}

async function check(
  image: string,
): Promise<{ needed: string; rebase: string; reasons: Reason[]; summary: string }> {
  const job = await Job.create({ workspace });
  try {
    const run = await job.uses('actions/rebuild-check', {
      with: { image, 'go-versions': `${server.url}/dl/?mode=json` },
    });
    expect(run.errors).toEqual([]);
    return {
      needed: run.outputs.needed!,
      rebase: run.outputs.rebase!,
      reasons: JSON.parse(run.outputs.reasons!) as Reason[],
      summary: run.summary,
    };
  } finally {
    await job.cleanup();
  }
}

beforeAll(async () => {
  const go = requireGo();
  goVersion = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  work = mkdtempSync(join(tmpdir(), 'rebuild-check-it-'));
  registry = await startRegistry();
  proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
  server = await startServer();
  workspace = helloGoWorkspace();
  await pushBase('v1');
  const job = await Job.create({ workspace });
  try {
    const run = await job.uses('actions/build-push', {
      with: {
        platforms: 'linux/amd64,linux/arm64',
        images: `${registry.host}/app`,
        tags: 'main',
        base: `${registry.host}/base/runtime:1`,
      },
    });
    if (run.exitCode !== 0) throw new Error(`build-push failed:\n${run.log}`);
  } finally {
    await job.cleanup();
  }
}, 180_000);

afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
  server?.close();
  for (const d of [work, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('rebuild-check', () => {
  it('an unchanged base and Go: not needed, and nothing is written', async () => {
    serveGoReleases([goVersion]);
    proxy.requests.length = 0;
    const r = await check(`${proxy.host}/app:main`);
    expect(r).toMatchObject({ needed: 'false', rebase: 'false', reasons: [] });
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.filter((q) => !/^(GET|HEAD) /.test(q))).toEqual([]);
  });

  it('a moved base: one reason per platform, from the recorded digest to the new one; a rebase suffices', async () => {
    await pushBase('v2');
    serveGoReleases([goVersion]);
    const r = await check(`${registry.host}/app:main`);
    expect(r.needed).toBe('true');
    expect(r.rebase).toBe('true');
    const name = `${registry.host}/base/runtime:1`;
    expect(r.reasons).toEqual(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({
        platform,
        what: 'base',
        from: `${name}@${baseDigests.v1![platform]}`,
        to: `${name}@${baseDigests.v2![platform]}`,
      })),
    );
    expect(r.summary).toContain('a rebase suffices');
  });

  it('a Go patch release: needed, and a rebase does not do', async () => {
    const [, major, minor, patch] = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(goVersion)!;
    const next = `go${major}.${minor}.${Number(patch ?? 0) + 1}`;
    // newest first, as go.dev lists them: another minor's release and a release candidate too
    serveGoReleases([`go${major}.${Number(minor) + 1}.0`, next, goVersion]);
    const r = await check(`${registry.host}/app:main`);
    expect(r.needed).toBe('true');
    expect(r.rebase).toBe('false');
    expect(r.reasons.filter((x) => x.what === 'go')).toEqual(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({
        platform,
        what: 'go',
        from: goVersion,
        to: next,
      })),
    );
  });

  it('an image that does not exist is needed', async () => {
    serveGoReleases([goVersion]);
    const r = await check(`${registry.host}/app:never-built`);
    expect(r.needed).toBe('true');
    expect(r.reasons).toEqual([
      { platform: '*', what: 'image', from: 'none', to: `${registry.host}/app:never-built` },
    ]);
  });
});
