/**
 * The whole pipeline in one step: the gantry step of examples/workflows/pr-pipeline.yml, run by
 * the harness as the runner runs the root action (one node24 process, its stages one after
 * another), on a pull request, against the local registry, with hadolint and trivy stand-ins
 * (replaying recorded outputs), the local cache backend and the REST stand-in for the comment;
 * then a failing build and a failing scan gate, for what each skips and what still runs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
let bin: string;

beforeAll(async () => {
  requireGo();
  registry = await startRegistry();
  api = await startGitHubApi();
  work = mkdtempSync(join(tmpdir(), 'pipeline-it-'));
  workspace = helloGoWorkspace();
  bin = standInBin(join(work, 'bin'), ['hadolint', 'trivy']);
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

/** The local cache's folder of this PR event's repository: entries are kept per repository. */
const entriesOf = (store: string) => join(store, encodeURIComponent('Codertocat/Hello-World'));

/** A pull-request job over the hello-go workspace, the stand-in scanners first on PATH. */
async function pullRequestJob(): Promise<Job> {
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
  return job;
}

/** What every run here gives: the stand-in scanners, the local cache backend, saving on a PR. */
const localRun = (store: string): Record<string, string> => ({
  'hadolint-version': 'system',
  'trivy-version': 'system',
  'cache-backend': 'local',
  'cache-dir': store,
  'cache-save': 'always',
  comment: 'never',
});

/** The groups the root action's log is in: one per stage that ran, in order. */
const stagesRun = (run: { commands: { command: string; message: string }[] }) =>
  run.commands.filter((c) => c.command === 'group').map((c) => c.message);

describe('the root action: the whole pipeline in one step', () => {
  it('runs the PR example: caches restored and saved, image pushed, scanned, one sticky comment', async () => {
    const step = exampleStep();
    const store = join(work, 'cache-store');
    const job = await pullRequestJob();
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
      // each stage's log in its own group, in order
      expect(stagesRun(run)).toEqual(['go-cache', 'build-push', 'scan', 'summary']);
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
      // every phase in the one timeline, the caches saved (go-cache's trim and save in it too)
      const phases = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl'));
      const actions = new Set(phases.map((p) => p.action));
      expect([...actions].sort()).toEqual(['build-push', 'go-cache', 'scan']);
      expect(phases.filter((p) => p.action === 'go-cache').map((p) => p.phase)).toEqual([
        'restore',
        'trim',
        'save',
      ]);
      expect(run.log).toContain('Saved the build cache');
      expect(readdirSync(entriesOf(store)).some((f) => f.includes('-build-'))).toBe(true);
      // the summary, written after the save, shows it
      expect(run.outputs.markdown).toMatch(/\| go-cache \| save \|/);
    } finally {
      await job.cleanup();
    }
  }, 300_000);

  it('a failed build: one line naming the root input, no scan, no cache saved, the summary still written', async () => {
    const store = join(work, 'store-failed-build');
    const job = await pullRequestJob();
    try {
      const run = await job.uses('.', {
        id: 'gantry',
        with: {
          ...localRun(store),
          platforms: 'linux/amd64,plan9/sparc',
          'oci-layout': 'out/layout',
        },
      });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(/^Input "platforms": .*plan9\/sparc/);
      expect(stagesRun(run)).toEqual(['go-cache', 'build-push', 'summary']);
      expect(run.outputs.image).toBeUndefined();
      expect(run.outputs.markdown).toContain('go-cache');
      expect(run.summary).toContain('go-cache');
      expect(existsSync(store) ? readdirSync(store) : []).toEqual([]);
    } finally {
      await job.cleanup();
    }
  }, 300_000);

  it("a stage's bad input is named as the root action's input; what needs that stage is skipped", async () => {
    const job = await pullRequestJob();
    try {
      const run = await job.uses('.', { id: 'gantry', with: { 'cache-backend': 's3' } });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toEqual(['Input "cache-backend": got "s3"; accepted: github | local']);
      expect(stagesRun(run)).toEqual(['go-cache', 'summary']);
    } finally {
      await job.cleanup();
    }
    // every input of a stage reaches it through the one step, e.g. build-push's main
    const built = await pullRequestJob();
    try {
      const run = await built.uses('.', { id: 'gantry', with: { main: './cmd/none' } });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toEqual([expect.stringMatching(/^Input "main": .*cmd\/none/)]);
      expect(stagesRun(run)).toEqual(['go-cache', 'build-push', 'summary']);
    } finally {
      await built.cleanup();
    }
    // the root's own switches are checked before any stage runs
    const next = await pullRequestJob();
    try {
      const bad = await next.uses('.', { id: 'gantry', with: { scan: 'yes' } });
      expect(bad.exitCode).toBe(1);
      expect(bad.errors).toEqual(['Input "scan": got "yes"; accepted: true | false']);
      expect(stagesRun(bad)).toEqual([]);
    } finally {
      await next.cleanup();
    }
  }, 300_000);

  it('a scan gate that fails: the step fails after the caches are saved and the summary written', async () => {
    const store = join(work, 'store-gate');
    const job = await pullRequestJob();
    try {
      const run = await job.uses('.', {
        id: 'gantry',
        with: { ...localRun(store), 'oci-layout': 'out/gate-layout', 'fail-on': 'low' },
      });
      expect(run.exitCode).toBe(1);
      expect(run.errors.at(-1)).toMatch(/findings at or above fail-on: low/);
      expect(run.outputs.failed).toBe('true');
      expect(stagesRun(run)).toEqual(['go-cache', 'build-push', 'scan', 'summary']);
      expect(run.log).toContain('Saved the build cache');
      expect(readdirSync(entriesOf(store)).some((f) => f.includes('-build-'))).toBe(true);
      expect(run.outputs.markdown).toContain('scan');
    } finally {
      await job.cleanup();
    }
  }, 300_000);
});
