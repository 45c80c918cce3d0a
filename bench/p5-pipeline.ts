/**
 * P5: the whole pipeline in one step — the root action: go-cache, build-push, scan (hadolint and
 * trivy stand-ins replaying recorded reports: no scanner download here), summary — against
 * build-push alone, both on examples/orders-api after a one-line edit, pushed to a local registry;
 * the pipeline on a runner that kept its GOCACHE (as build-push alone has it) and on a fresh one.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTimeline } from '../src/runtime/timeline.js';
import { fixture } from '../test/harness/paths.js';
import { Job } from '../test/harness/runner.js';
import { startRegistry } from '../test/integration/support/registry.js';
import { standInBin } from '../test/integration/support/stand-in-bin.js';
import { commitAll, exampleWorkspace } from '../test/integration/support/workspace.js';
import { stat, timed, type Figure } from './lib/table.js';

const EVENT = {
  name: 'push',
  payload: {
    ref: 'refs/heads/main',
    repository: { default_branch: 'main', full_name: 'acme/orders-api' },
  },
};

export async function measurePipeline(rounds: number): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-p5-'));
  const workspace = exampleWorkspace('orders-api');
  const registry = await startRegistry();
  const bin = standInBin(join(work, 'bin'), ['hadolint', 'trivy']);
  const gocache = join(work, 'gocache');
  let edits = 0;
  const edit = () => {
    appendFileSync(join(workspace, 'main.go'), `\nvar benchEdit${++edits} = ${edits}\n`);
    commitAll(
      workspace,
      `edit ${edits}`,
      `2024-06-01T12:${String(edits % 60).padStart(2, '0')}:00Z`,
    );
  };
  const job = await Job.create({
    workspace,
    event: EVENT,
    env: {
      STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.10.json'),
      STANDIN_HADOLINT_JSON: fixture('hadolint', 'website-example.json'),
      STANDIN_LOG: join(work, 'standins.jsonl'),
      GOCACHE: gocache,
    },
  });
  job.path.unshift(bin);
  const timeline = join(job.runnerTemp, 'gantry', 'timeline.jsonl');
  const where = { kept: '', fresh: '' };
  /**
   * kept: the runner kept its GOCACHE (a self-hosted runner; the restore finds every file there);
   * fresh: none before the restore, as on a hosted runner (the restore writes all of it).
   */
  const pipeline = async (runner: keyof typeof where): Promise<number> => {
    rmSync(timeline, { force: true });
    if (runner === 'fresh') rmSync(gocache, { recursive: true, force: true });
    // the clock starts after the GOCACHE is gone, as the job starts on a fresh runner
    const start = Date.now();
    const r = await job.uses('.', {
      with: {
        images: `${registry.host}/orders`,
        platforms: 'linux/amd64,linux/arm64',
        'hadolint-version': 'system',
        'trivy-version': 'system',
        'cache-backend': 'local',
        'cache-dir': join(work, 'store'),
        'fail-on': 'none',
        comment: 'never',
      },
    });
    if (r.exitCode !== 0) throw new Error(`the pipeline failed: ${r.errors.join('; ')}`);
    // where the step's time went: each action's phases, and what is between them (node starts)
    const phases = readTimeline(timeline);
    const total = Date.now() - start;
    const inPhases = phases
      .filter((p) => !p.phase.startsWith('build linux'))
      .reduce((n, p) => n + (p.end - p.start), 0);
    const top = phases
      .filter((p) => p.end - p.start >= 50)
      // a trivy phase is named by the image it scanned: here the platform says enough
      .map((p) => `${p.action}/${p.phase.replace(/^trivy \S+ /, 'trivy ')} ${p.end - p.start}`);
    where[runner] =
      `last run ${total} ms; phases: ${top.join(', ')}; outside phases ≈ ${total - inPhases}`;
    return (Date.now() - start) / 1000;
  };
  const alone = async () => {
    const r = await job.uses('actions/build-push', {
      with: { images: `${registry.host}/orders`, platforms: 'linux/amd64,linux/arm64' },
    });
    if (r.exitCode !== 0) throw new Error(`build-push failed: ${r.errors.join('; ')}`);
  };
  try {
    for (const f of [() => pipeline('kept'), alone]) {
      edit();
      await f();
    }
    const times = { kept: [] as number[], fresh: [] as number[], alone: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      edit();
      times.alone.push(await timed(alone));
      edit();
      times.kept.push(await pipeline('kept'));
      edit();
      times.fresh.push(await pipeline('fresh'));
      // its 250 MB of writes are flushed before the next figure's clock starts
      execFileSync('sync');
    }
    const againstAlone = (what: string, samples: number[], note: string): Figure => ({
      id: 'P5',
      what,
      samples,
      unit: 's',
      versus: { what: 'build-push alone', median: stat(times.alone).median },
      target: { ratio: 1.5, text: '≤ 1.5× build-push alone' },
      note,
    });
    return [
      { id: 'P5', what: 'orders-api: build-push alone', samples: times.alone, unit: 's' },
      againstAlone(
        'the root action: cache → build → scan → summary (runner kept its GOCACHE)',
        times.kept,
        where.kept,
      ),
      againstAlone(
        'the same on a fresh runner (no GOCACHE before the restore)',
        times.fresh,
        where.fresh,
      ),
    ];
  } finally {
    await job.cleanup();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}
