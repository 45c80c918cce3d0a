/**
 * What the go-cache action buys on a fresh runner, side by side (hello-go, linux/amd64):
 *   cold    — `go build` with an empty GOCACHE (a runner without the action)
 *   warm    — `go build` after go-cache restored the last default-branch run's cache, one-line edit
 *   restore — go-cache's main step (restore + ageing), wall time including node start
 *   post    — go-cache's post step (trim + save), wall time
 * and the overhead (restore + post) as a share of the cold build. Local backend, on this disk.
 * Run: npm run bench -- go-cache
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Job } from '../test/harness/runner.js';
import { requireGo } from '../test/integration/support/require.js';
import { commitAll, helloGoWorkspace } from '../test/integration/support/workspace.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const go = requireGo();
const work = mkdtempSync(join(tmpdir(), 'gantry-bench-cache-'));
const workspace = helloGoWorkspace();
const home = join(work, 'home');
const env = {
  PATH: `${dirname(go)}:${process.env.PATH ?? ''}`,
  HOME: home,
  GOCACHE: join(home, 'gocache'),
  GOMODCACHE: join(home, 'gomod'),
  GOFLAGS: '-trimpath',
  GOTOOLCHAIN: 'local',
};
const WITH = { backend: 'local', 'local-dir': join(work, 'store') };
const EVENT = {
  name: 'push',
  payload: {
    ref: 'refs/heads/main',
    repository: { default_branch: 'main', full_name: 'acme/hello-go' },
  },
};
const build = () =>
  run(go, ['build', '-o', join(work, 'hello-go'), '.'], {
    cwd: workspace,
    env: { ...process.env, ...env },
  });
const fresh = () => rmSync(home, { recursive: true, force: true });
let edits = 0;
function edit(): void {
  const file = join(workspace, 'main.go');
  writeFileSync(file, readFileSync(file, 'utf8') + `\n// edit ${++edits}\n`);
  commitAll(workspace, `edit ${edits}`, '2024-05-01T12:00:00Z');
}

try {
  const cold: number[] = [];
  const warm: number[] = [];
  const restore: number[] = [];
  const post: number[] = [];
  // seed the store as a default-branch run would
  fresh();
  {
    const job = await Job.create({ workspace, event: EVENT, env });
    await job.uses('actions/go-cache', { with: WITH });
    await build();
    await job.runPosts();
    await job.cleanup();
  }
  for (let i = 0; i < ROUNDS; i++) {
    fresh();
    edit();
    cold.push(await timed(build));
    fresh();
    edit();
    const job = await Job.create({ workspace, event: EVENT, env });
    restore.push(await timed(() => job.uses('actions/go-cache', { with: WITH })));
    warm.push(await timed(build));
    post.push(await timed(() => job.runPosts()));
    await job.cleanup();
  }
  const c = median(cold);
  const rows: [string, number][] = [
    ['cold go build (empty GOCACHE)', c],
    ['warm go build (go-cache restored, one-line edit)', median(warm)],
    ['go-cache restore (main step)', median(restore)],
    ['go-cache trim + save (post step)', median(post)],
    ['warm build + restore + post', median(warm) + median(restore) + median(post)],
  ];
  console.log(`\ngo-cache on hello-go, median of ${ROUNDS} rounds (local backend)`);
  console.log(`${'what'.padEnd(52)}${'seconds'.padStart(9)}${'× cold'.padStart(9)}`);
  for (const [what, s] of rows)
    console.log(`${what.padEnd(52)}${s.toFixed(2).padStart(9)}${(s / c).toFixed(2).padStart(9)}`);
  console.log(
    `overhead (restore + post) as a share of a cold build: ${(((median(restore) + median(post)) / c) * 100).toFixed(0)}%`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
}
