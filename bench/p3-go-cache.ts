/**
 * P3: what go-cache costs against what it saves, on examples/orders-api built for both
 * platforms as build-push builds it (local backend, a fresh runner every run):
 *   cold      both go builds with an empty GOCACHE
 *   restore   go-cache's main step; post: its trim + save
 *   size      the build cache it keeps after 1 and after 10 one-line edits
 *   again     a second run of one commit: it must save nothing
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { STATIC_BASE_BUILD_TAGS } from '../src/image/base.js';
import { readTimeline } from '../src/runtime/timeline.js';
import { Job } from '../test/harness/runner.js';
import { requireGo } from '../test/integration/support/require.js';
import { commitAll, exampleWorkspace } from '../test/integration/support/workspace.js';
import { stat, timed, type Figure } from './lib/table.js';

const run = promisify(execFile);
const EDITS = 10;

export async function measureGoCache(rounds: number): Promise<Figure[]> {
  const go = requireGo();
  const work = mkdtempSync(join(tmpdir(), 'bench-p3-'));
  const workspace = exampleWorkspace('orders-api');
  const home = join(work, 'home');
  const env = {
    PATH: `${dirname(go)}:${process.env.PATH ?? ''}`,
    HOME: home,
    GOCACHE: join(home, 'gocache'),
    GOTOOLCHAIN: 'local',
  };
  const WITH = { backend: 'local', 'local-dir': join(work, 'store') };
  const EVENT = {
    name: 'push',
    payload: {
      ref: 'refs/heads/main',
      repository: { default_branch: 'main', full_name: 'acme/orders-api' },
    },
  };
  const build = () =>
    Promise.all(
      ['amd64', 'arm64'].map((arch) =>
        run(
          go,
          [
            'build',
            '-trimpath',
            '-tags',
            STATIC_BASE_BUILD_TAGS.join(','),
            '-o',
            join(work, arch),
            '.',
          ],
          { cwd: workspace, env: { ...process.env, ...env, CGO_ENABLED: '0', GOARCH: arch } },
        ),
      ),
    );
  const fresh = () => rmSync(home, { recursive: true, force: true });
  let edits = 0;
  const edit = () => {
    appendFileSync(join(workspace, 'main.go'), `\n// edit ${++edits}\n`);
    commitAll(workspace, `edit ${edits}`, '2024-05-01T12:00:00Z');
  };
  /** One job on a fresh runner: restore, build, trim + save; what the save phase recorded. */
  const runJob = async () => {
    fresh();
    const job = await Job.create({ workspace, event: EVENT, env });
    try {
      const restore = await timed(() => job.uses('actions/go-cache', { with: WITH }));
      const warm = await timed(build);
      const post = await timed(() => job.runPosts());
      const save = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl')).find(
        (p) => p.action === 'go-cache' && p.phase === 'save',
      );
      const attrs = (save?.attrs ?? {}) as { bytes?: number; 'build-saved'?: boolean };
      return { restore, warm, post, bytes: attrs.bytes ?? 0, saved: attrs['build-saved'] === true };
    } finally {
      await job.cleanup();
    }
  };
  try {
    const cold: number[] = [];
    for (let r = 0; r < Math.min(rounds, 3); r++) {
      fresh();
      edit();
      cold.push(await timed(build));
    }
    const runs = [];
    for (let i = 0; i < EDITS; i++) {
      edit();
      runs.push(await runJob());
    }
    const again = await runJob(); // no edit: the same commit once more
    const overhead = runs.slice(1).map((r) => r.restore + r.post);
    const coldMedian = stat(cold).median;
    return [
      { id: 'P3', what: 'orders-api: cold go build, both platforms', samples: cold, unit: 's' },
      {
        id: 'P3',
        what: 'go build after go-cache restored (one-line edit)',
        samples: runs.slice(1).map((r) => r.warm),
        unit: 's',
        versus: { what: 'cold', median: coldMedian },
      },
      {
        id: 'P3',
        what: 'go-cache restore + trim + save',
        samples: overhead,
        unit: 's',
        versus: { what: 'cold', median: coldMedian },
        target: { ratio: 0.1, text: '≤ 10% of cold' },
        note: `restore ${stat(runs.slice(1).map((r) => r.restore)).median.toFixed(2)} s, post ${stat(runs.slice(1).map((r) => r.post)).median.toFixed(2)} s`,
      },
      { id: 'P3', what: 'build cache kept after 1 edit', samples: [runs[0]!.bytes], unit: 'B' },
      {
        id: 'P3',
        what: `build cache kept after ${EDITS} edits`,
        samples: [runs[EDITS - 1]!.bytes],
        unit: 'B',
        versus: { what: 'after 1', median: runs[0]!.bytes },
        target: { ratio: 1.2, text: '≤ 1.2× after 1' },
      },
      {
        id: 'P3',
        what: 'a second run of one commit: caches saved',
        samples: [again.saved ? 1 : 0],
        unit: 'n',
        target: { value: 0, text: 'nothing saved' },
        note: again.saved ? 'it saved the build cache again' : 'nothing saved',
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}
