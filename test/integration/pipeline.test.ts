/**
 * The whole pipeline in one step: the gantry step of examples/workflows/pr-pipeline.yml, run by
 * the harness as the runner runs a composite action (its steps one by one, expressions
 * evaluated), on a pull request, against the local registry, with hadolint and trivy stand-ins
 * (replaying recorded outputs), the local cache backend and the REST stand-in for the comment.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sha256Digest } from '../../src/oci/digest.js';
import type { ImageIndex } from '../../src/oci/manifest.js';
import { readTimeline } from '../../src/runtime/timeline.js';
import { fixture, REPO_ROOT } from '../harness/paths.js';
import { Job } from '../harness/runner.js';
import { startGitHubApi, type GitHubApi } from './support/github-api.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { skopeoInspectRaw } from './support/skopeo.js';
import { standInBin } from './support/stand-in-bin.js';
import { helloGoWorkspace } from './support/workspace.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'workflows', 'pr-pipeline.yml');
const PR_EVENT = 'event-pull_request.synchronize.json';

let registry: RunningRegistry;
let api: GitHubApi;
let work: string;
let workspace: string;

beforeAll(async () => {
  requireGo();
  registry = await startRegistry();
  api = await startGitHubApi();
  work = mkdtempSync(join(tmpdir(), 'pipeline-it-'));
  workspace = helloGoWorkspace();
});

afterAll(async () => {
  await registry?.stop();
  await api?.close();
  for (const d of [work, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

/** The example's gantry step: its `with:`, as the workflow gives it. */
function exampleStep(): { uses: string; with: Record<string, string> } {
  const wf = parse(readFileSync(EXAMPLE, 'utf8')) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
  };
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const step = steps.find((s) => /^[\w-]+\/gantry@[0-9a-f]{40}$/.test(s.uses ?? ''));
  if (!step) throw new Error(`${EXAMPLE} has no step that uses <owner>/gantry@<sha>`);
  return { uses: step.uses!, with: step.with ?? {} };
}

describe('the root action: the whole pipeline in one step', () => {
  it('runs the PR example: caches restored and saved, image pushed, scanned, one sticky comment', async () => {
    const step = exampleStep();
    const bin = standInBin(join(work, 'bin'), ['hadolint', 'trivy']);
    const store = join(work, 'cache-store');
    const job = await Job.create({
      workspace,
      event: { name: 'pull_request', payload: PR_EVENT },
      apiUrl: api.url,
      env: {
        STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.10.json'),
        STANDIN_HADOLINT_JSON: fixture('hadolint', 'website-example.json'),
        STANDIN_LOG: join(work, 'standins.jsonl'),
        GOCACHE: join(work, 'gocache'),
      },
    });
    job.path.unshift(bin);
    try {
      // the example's inputs, with what differs here: the local registry (no credentials), the
      // stand-in scanners, the local cache backend, and saving on a PR run (auto only reads)
      const inputs: Record<string, string> = {
        ...step.with,
        images: `${registry.host}/hello`,
        'hadolint-version': 'system',
        'trivy-version': 'system',
        'cache-backend': 'local',
        'cache-dir': store,
        'cache-save': 'always',
      };
      delete inputs.username;
      delete inputs.password;
      const run = await job.uses('.', { id: 'gantry', with: inputs });
      expect(run.exitCode).toBe(0);
      // the one error-level finding (hadolint DL3011) is an annotation, not a failure:
      // fail-on is critical
      expect(run.errors).toEqual(['Valid UNIX ports range from 0 to 65535']);
      expect(Object.values(run.steps).map((s) => s.outcome)).toEqual(Array(5).fill('success'));
      // outputs set
      const digest = run.outputs.digest!;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(run.outputs.image).toBe(`${registry.host}/hello@${digest}`);
      const tags = run.outputs.tags!.split('\n');
      expect(tags).toContain(
        `${registry.host}/hello:pr-${(JSON.parse(readFileSync(fixture('github', PR_EVENT), 'utf8')) as { number: number }).number}`,
      );
      const raw = await skopeoInspectRaw(tags[0]!);
      expect(sha256Digest(raw)).toBe(digest);
      expect((JSON.parse(raw.toString()) as ImageIndex).manifests).toHaveLength(2);
      // trivy: 4 per platform; hadolint: 8 in examples/hello-go/build/Dockerfile (the default glob)
      expect(JSON.parse(run.outputs.findings!)).toMatchObject({ total: 16 });
      expect(run.outputs.failed).toBe('false');
      expect(run.outputs['cache-hit']).toBe('none');
      expect(run.warnings.join('\n')).not.toContain('matches no file');
      // one sticky comment with the timing
      expect(api.comments).toHaveLength(1);
      expect(api.comments[0]!.body).toContain('<!-- gantry-summary:gantry -->');
      expect(api.comments[0]!.body).toContain('build-push');
      // every phase in the one timeline, the caches saved at the end
      const actions = new Set(
        readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl')).map((p) => p.action),
      );
      expect([...actions].sort()).toEqual(['build-push', 'go-cache', 'scan']);
      expect(run.steps['cache-save']?.outcome).toBe('success');
      expect(run.steps['cache-save']?.log).toContain('Saved the build cache');
      expect(readdirSync(store).some((f) => f.includes('-build-'))).toBe(true);
    } finally {
      await job.cleanup();
    }
  }, 300_000);
});
