import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration } from '../../src/report/timing.js';
import type { Phase } from '../../src/runtime/timeline.js';
import { fixture, REPO_ROOT } from '../harness/paths.js';
import { Job } from '../harness/runner.js';
import { startCacheService, type CacheService } from './support/cache-service.js';
import { startGitHubApi, type GitHubApi } from './support/github-api.js';
import { requireGo, requireProgram, requireRoot } from './support/require.js';
import { BinfmtSnapshot } from './support/binfmt.js';
import { helloGoWorkspace } from './support/workspace.js';

const ACTION = 'actions/summary';
const PR_EVENT = 'event-pull_request.synchronize.json';
const pr = JSON.parse(readFileSync(fixture('github', PR_EVENT), 'utf8')) as {
  number: number;
  pull_request: { base: { ref: string } };
  repository: { full_name: string };
};

let api: GitHubApi;
let work: string;
beforeAll(async () => {
  api = await startGitHubApi();
  work = mkdtempSync(join(tmpdir(), 'summary-it-'));
});
afterAll(async () => {
  await api?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  api.comments = [];
  api.readOnly = false;
  delete api.afterCreate;
});

function writeTimeline(job: Job, phases: Phase[]): void {
  mkdirSync(join(job.runnerTemp, 'gantry'), { recursive: true });
  writeFileSync(
    join(job.runnerTemp, 'gantry', 'timeline.jsonl'),
    phases.map((p) => JSON.stringify(p)).join('\n') + '\n',
  );
}

const timeline = (buildMs: number): Phase[] => [
  {
    action: 'setup-qemu',
    phase: 'register',
    start: 0,
    end: 400,
    attrs: { registered: ['aarch64'] },
  },
  { action: 'build-push', phase: 'build linux/arm64', start: 400, end: 400 + buildMs, attrs: {} },
  {
    action: 'build-push',
    phase: 'push',
    start: 400 + buildMs,
    end: 900 + buildMs,
    attrs: { bytesUploaded: 2_000_000 },
  },
];

async function summaryOnPr(buildMs: number, inputs: Record<string, string> = {}, event = PR_EVENT) {
  const job = await Job.create({
    event: { name: 'pull_request', payload: event },
    apiUrl: api.url,
  });
  writeTimeline(job, timeline(buildMs));
  const run = await job.uses(ACTION, { with: inputs });
  await job.cleanup();
  return run;
}

/** A push to the PR's base branch, which is the repository's default branch. */
async function summaryOnDefaultBranch(
  buildMs: number,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const base = pr.pull_request.base.ref;
  const job = await Job.create({
    event: {
      name: 'push',
      payload: {
        ref: `refs/heads/${base}`,
        after: 'b'.repeat(40),
        repository: { full_name: pr.repository.full_name, default_branch: base },
      },
    },
    apiUrl: api.url,
    env,
  });
  writeTimeline(job, timeline(buildMs));
  const run = await job.uses(ACTION, { with: inputs });
  await job.cleanup();
  return run;
}

function mermaidOf(markdown: string): string {
  const m = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!m) throw new Error('no mermaid block');
  return m[1]!;
}

function parseMermaid(text: string): { ok: boolean; out: string } {
  const r = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'test/integration/support/mermaid-parse.mjs')],
    { input: text, encoding: 'utf8' },
  );
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

describe('summary: the sticky PR comment', () => {
  it('three runs on one PR leave exactly one comment, updated each time, found across pages', async () => {
    // 150 other comments first: the sticky one lands on page 2 of the listing
    for (let i = 0; i < 150; i++)
      api.comments.push({
        id: i + 1,
        body: `chatter ${i}`,
        issue: pr.number,
        user: { login: 'octocat' },
      });
    const ids: string[] = [];
    for (const ms of [61_000, 52_000, 43_000]) {
      const run = await summaryOnPr(ms);
      expect(run.exitCode).toBe(0);
      expect(run.warnings).toEqual([]);
      ids.push(run.outputs['comment-id']!);
      const sticky = api.comments.filter((c) => c.body.includes('<!-- gantry-summary:gantry -->'));
      expect(sticky).toHaveLength(1);
      expect(sticky[0]!.body).toContain(
        `| build-push | build linux/arm64 | ${formatDuration(ms)} |`,
      );
    }
    expect(new Set(ids).size).toBe(1);
    expect(api.requests.some((r) => r.includes('page=2'))).toBe(true);
    expect(api.comments).toHaveLength(151);
  });

  it('two concurrent runs still end with one comment', async () => {
    const [a, b] = await Promise.all([summaryOnPr(30_000), summaryOnPr(31_000)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(
      api.comments.filter((c) => c.body.includes('<!-- gantry-summary:gantry -->')),
    ).toHaveLength(1);
  });

  it('a rival run that created its comment first wins the race: ours is folded into it', async () => {
    api.afterCreate = (ours) => {
      delete api.afterCreate;
      // the rival listed before we created, and created too, with a lower id
      api.comments.push({
        id: ours.id - 500,
        body: '<!-- gantry-summary:gantry -->\nrival body',
        issue: ours.issue,
        user: { login: 'github-actions[bot]' },
      });
      api.comments.sort((a, b) => a.id - b.id);
    };
    const before = api.requests.length;
    const run = await summaryOnPr(33_000);
    expect(run.exitCode).toBe(0);
    const sticky = api.comments.filter((c) => c.body.includes('<!-- gantry-summary:gantry -->'));
    expect(sticky).toHaveLength(1);
    expect(sticky[0]!.body).toContain('33s');
    expect(run.outputs['comment-id']).toBe(String(sticky[0]!.id));
    expect(api.requests.slice(before).filter((r) => r.startsWith('DELETE '))).toHaveLength(1);
  });

  it('a marked comment someone else wrote is never taken, edited or deleted', async () => {
    const planted = {
      id: 5,
      body: '<!-- gantry-summary:gantry -->\nplanted by a contributor: [click](https://evil.example)',
      issue: pr.number,
      user: { login: 'mallory' },
    };
    const quoted = {
      id: 6,
      body: 'maintainer: the bot writes `<!-- gantry-summary:gantry -->` at the top',
      issue: pr.number,
      user: { login: 'maintainer' },
    };
    api.comments.push({ ...planted }, { ...quoted });
    const first = await summaryOnPr(30_000);
    const second = await summaryOnPr(31_000);
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(api.comments.find((c) => c.id === 5)).toEqual(planted);
    expect(api.comments.find((c) => c.id === 6)).toEqual(quoted);
    const ours = api.comments.filter((c) => c.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('31s');
    expect(first.outputs['comment-id']).toBe(String(ours[0]!.id));
    expect(api.requests.filter((r) => /^(PATCH|DELETE) .*comments\/[56]$/.test(r))).toEqual([]);
  });

  it('keeps separate comments per header', async () => {
    await summaryOnPr(30_000, { header: 'arm64' });
    await summaryOnPr(30_000, { header: 'amd64' });
    expect(api.comments).toHaveLength(2);
  });

  it('a 403 on the comment warns, keeps the step summary, and the step succeeds', async () => {
    api.readOnly = true;
    const run = await summaryOnPr(30_000);
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toEqual([
      'No PR comment: the token may not write comments here (a fork PR, or a read-only token); the step summary has the report',
    ]);
    expect(run.summary).toContain('| build-push | build linux/arm64 | 30s |');
    expect(api.comments).toHaveLength(0);
  });

  it('a scheduled run writes the summary only', async () => {
    const job = await Job.create({
      event: { name: 'schedule', payload: 'event-schedule.minimal.json' },
      apiUrl: api.url,
    });
    writeTimeline(job, timeline(20_000));
    const before = api.requests.length;
    const run = await job.uses(ACTION);
    await job.cleanup();
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('3 phases in');
    expect(api.requests.slice(before)).toEqual([]);
  });
});

describe('summary: compared with the base branch', () => {
  it('a PR run after a default-branch run shows per-phase deltas', async () => {
    const baselineDir = join(work, 'baselines');
    const base = pr.pull_request.base.ref;
    const pushed = await summaryOnDefaultBranch(72_000, { 'baseline-dir': baselineDir });
    expect(pushed.exitCode).toBe(0);
    expect(api.comments).toHaveLength(0);

    const run = await summaryOnPr(41_000, { 'baseline-dir': baselineDir });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.markdown).toContain(`compared with the last run on \`${base}\``);
    expect(run.outputs.markdown).toContain(
      '| build-push | build linux/arm64 | 1m12s → 41s (−43%) |',
    );
    expect(api.comments[0]?.body).toContain('1m12s → 41s (−43%)');
  });
});

describe('summary: baselines through the Actions cache', () => {
  let svc: CacheService;
  beforeAll(async () => {
    svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('a default-branch run saves its timing in the cache service; a PR run compares with it', async () => {
    const base = pr.pull_request.base.ref;
    const env = { ...svc.env, HOME: join(work, 'runner-home') };
    const pushed = await summaryOnDefaultBranch(80_000, {}, env);
    expect(pushed.warnings).toEqual([]);
    expect(svc.entries.filter((e) => e.finalized).map((e) => e.key)).toEqual([
      expect.stringMatching(new RegExp(`^gantry-timing-ci-${base}-\\d+$`)),
    ]);

    const job = await Job.create({
      event: { name: 'pull_request', payload: PR_EVENT },
      apiUrl: api.url,
      env,
    });
    writeTimeline(job, timeline(40_000));
    const run = await job.uses(ACTION);
    await job.cleanup();
    expect(run.warnings).toEqual([]);
    expect(run.outputs.markdown).toContain(
      '| build-push | build linux/arm64 | 1m20s → 40s (−50%) |',
    );
    // PR runs read the base branch's entry and write none
    expect(svc.entries.filter((e) => e.finalized)).toHaveLength(1);
  });
});

describe('summary: a real timeline', () => {
  it('lists every phase the other actions recorded, and its gantt chart parses with mermaid', async () => {
    requireGo();
    requireRoot('setup-qemu registers a binfmt_misc handler');
    requireProgram('qemu-aarch64-static', 'qemu-user-static');
    const snapshot = BinfmtSnapshot.take();
    const workspace = helloGoWorkspace();
    const job = await Job.create({
      workspace,
      event: { name: 'pull_request', payload: PR_EVENT },
      apiUrl: api.url,
    });
    try {
      expect(
        (
          await job.uses('actions/setup-qemu', {
            with: { platforms: 'arm64', qemu: 'system', reset: 'true' },
          })
        ).exitCode,
      ).toBe(0);
      expect(
        (
          await job.uses('actions/build-push', {
            with: {
              platforms: 'linux/amd64,linux/arm64',
              'oci-layout': join(job.runnerTemp, 'oci'),
            },
          })
        ).exitCode,
      ).toBe(0);
      const run = await job.uses(ACTION);
      expect(run.exitCode).toBe(0);
      const recorded = readFileSync(join(job.runnerTemp, 'gantry', 'timeline.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Phase);
      expect(recorded.length).toBeGreaterThanOrEqual(7);
      for (const p of recorded) expect(run.summary).toContain(`| ${p.action} | ${p.phase} |`);
      const parsed = parseMermaid(mermaidOf(run.summary));
      expect(parsed).toEqual({ ok: true, out: '{"diagramType":"gantt","config":{}}' });
      expect(parseMermaid('gantt\n  dateFormat x\n  section x\n  task :a1, 0\n  :::\n').ok).toBe(
        false,
      );
      expect(api.comments).toHaveLength(1);
    } finally {
      await job.cleanup();
      snapshot.restore();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
