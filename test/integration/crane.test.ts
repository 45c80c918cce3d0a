/**
 * go-containerregistry's crane — another registry client, written apart from gantry — reads what
 * gantry pushes: every manifest and blob of the index validates (`crane validate --remote`, which
 * hashes each layer and checks it against the config's diff_ids; the attestation manifests' blobs
 * are checked present),
 * its digests and configs are the ones build-push reports, and a `crane copy` of the image lands
 * with the same digest. crane is built from Debian's go-containerregistry sources
 * (golang-github-google-go-containerregistry-dev, which `.ci/run` installs).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageConfig, ImageIndex } from '../../src/oci/manifest.js';
import { Job } from '../harness/runner.js';
import { buildCrane, crane } from './support/crane.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { exampleWorkspace } from './support/workspace.js';

let registry: RunningRegistry;
let work: string;
let bin: string;
let workspace: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'crane-'));
  bin = await buildCrane(join(work, 'crane'));
  registry = await startRegistry();
  workspace = exampleWorkspace('hello-go');
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe("go-containerregistry's crane reads what gantry pushes", () => {
  it('validates the whole index (platform images and attestation manifests), reads the reported digests and configs, and copies it to the same digest', async () => {
    const job = await Job.create({ workspace });
    try {
      const run = await job.uses('actions/build-push', {
        with: {
          platforms: 'linux/amd64,linux/arm64',
          images: `${registry.host}/app`,
          tags: 'v1',
          attestations: 'both',
        },
      });
      expect(run.errors).toEqual([]);
      const ref = `${registry.host}/app:v1`;
      const digest = run.outputs.digest!;
      expect((await crane(bin, ['digest', ref])).trim()).toBe(digest);
      const raw = await crane(bin, ['manifest', ref]);
      expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(digest);
      const index = JSON.parse(raw) as ImageIndex;
      // two platform images and one attestation manifest each (attestations: both)
      expect(index.manifests).toHaveLength(4);
      // each platform image: manifest, config, and every layer hashed (digest, size, diff_id);
      // an attestation manifest's layers are in-toto JSON, not gzipped tars, which crane's
      // validate cannot read: its manifest and config are read, its blobs checked present
      for (const m of index.manifests) {
        const attestation = m.platform?.os === 'unknown';
        await crane(bin, [
          'validate',
          '--remote',
          `${registry.host}/app@${m.digest}`,
          ...(attestation ? ['--fast'] : []),
        ]);
      }
      const platforms = JSON.parse(run.outputs['platform-digests']!) as Record<string, string>;
      for (const [platform, manifest] of Object.entries(platforms)) {
        const config = JSON.parse(
          await crane(bin, ['config', `${registry.host}/app@${manifest}`]),
        ) as ImageConfig;
        expect(`${config.os}/${config.architecture}`).toBe(platform);
      }
      // crane as the copy peer: the same bytes under another name
      await crane(bin, ['copy', ref, `${registry.host}/copied:v1`]);
      expect((await crane(bin, ['digest', `${registry.host}/copied:v1`])).trim()).toBe(digest);
      expect((await crane(bin, ['ls', `${registry.host}/copied`])).trim().split('\n')).toContain(
        'v1',
      );
    } finally {
      await job.cleanup();
    }
  }, 180_000);
});
