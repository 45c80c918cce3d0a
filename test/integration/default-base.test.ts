/**
 * The built-in static base is fit for a real service: examples/hello-go built with build-push's
 * defaults (two platforms, into an OCI layout — no registry, no network), each image's layers
 * extracted and its binary run as the image's user (arm64 through QEMU, in the extracted root):
 * Go's x509.SystemCertPool() trusts the public roots and time.LoadLocation("Europe/Berlin")
 * works. The same build on `scratch` fails both checks, so the check can fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CA_ROOTS_SOURCE } from '../../src/image/static-base/ca-roots.generated.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { Job } from '../harness/runner.js';
import { requireGo, requireRoot } from './support/require.js';
import { extractImage, runInRootfs } from './support/rootfs.js';
import { helloGoWorkspace } from './support/workspace.js';

let work: string;
let workspace: string;

beforeAll(() => {
  requireRoot('the images are extracted with their owners and run with chroot as their user');
  requireGo();
  work = mkdtempSync(join(tmpdir(), 'default-base-it-'));
  workspace = helloGoWorkspace();
});

afterAll(() => {
  for (const d of [work, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Builds hello-go into a layout and runs `selfcheck` in each platform's extracted image. */
async function selfcheck(base?: string) {
  const job = await Job.create({ workspace });
  try {
    const layout = join(job.runnerTemp, 'layout');
    const run = await job.uses('actions/build-push', {
      with: {
        platforms: 'linux/amd64,linux/arm64',
        tags: 'main',
        'oci-layout': layout,
        ...(base ? { base } : {}),
      },
    });
    expect(run.errors).toEqual([]);
    const blob = (digest: string) => readFile(join(layout, 'blobs', 'sha256', digest.slice(7)));
    const index = JSON.parse((await blob(run.outputs.digest!)).toString()) as ImageIndex;
    const results: Record<
      string,
      { status: number | null; report: Record<string, unknown>; history: string[] }
    > = {};
    for (const d of index.manifests) {
      const arch = d.platform!.architecture;
      const manifest = JSON.parse((await blob(d.digest)).toString()) as ImageManifest;
      const root = join(work, `${base ?? 'default'}-${arch}`);
      const config = await extractImage(blob, manifest, root);
      const ran = runInRootfs(root, config, [config.config!.Entrypoint![0]!, 'selfcheck']);
      results[arch] = {
        status: ran.status,
        report: JSON.parse(ran.stdout || '{}') as Record<string, unknown>,
        history: (config.history ?? []).map((h) => h.created_by ?? ''),
      };
    }
    return results;
  } finally {
    await job.cleanup();
  }
}

describe('the default base', () => {
  it('verifies public TLS roots and loads time zones, as the non-root user, on both platforms', async () => {
    const results = await selfcheck();
    expect(Object.keys(results).sort()).toEqual(['amd64', 'arm64']);
    for (const [arch, r] of Object.entries(results)) {
      expect(r.report).toEqual({
        version: expect.any(String),
        arch,
        uid: 65532,
        roots_trust_isrg_root_x1: true,
        europe_berlin: '14:00 CEST',
        problems: null,
      });
      expect(r.status).toBe(0);
      expect(r.history).toContainEqual(
        `gantry static base: nonroot user, /tmp, CA roots (${CA_ROOTS_SOURCE})`,
      );
    }
  }, 180_000);

  it('on scratch the same check fails: no roots, no zones', async () => {
    const results = await selfcheck('scratch');
    for (const r of Object.values(results)) {
      expect(r.status).toBe(1);
      expect(r.report.roots_trust_isrg_root_x1).toBe(false);
      expect(r.report.problems).toEqual([
        expect.stringMatching(/^system roots do not hold ISRG Root X1/),
        expect.stringMatching(/^time zones: unknown time zone Europe\/Berlin/),
      ]);
    }
  }, 180_000);
});
