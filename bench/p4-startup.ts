/**
 * P4: each action's start to its first useful work — reading and checking its inputs — against
 * `node -e 0` on the same Node (24, as the runner runs actions). Timed to the exit after a bad
 * input (one error line): the whole start-up, no network, no tool.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE24, REPO_ROOT } from '../test/harness/paths.js';
import { timed, type Figure } from './lib/table.js';

/** One input each action rejects before doing anything else. */
const BAD: Record<string, Record<string, string>> = {
  // the root action: a stage's input, so its stage is loaded and the summary still runs
  gantry: { 'cache-backend': 's3' },
  affected: { platforms: 'linux/foo' },
  'build-push': { platforms: 'linux/foo' },
  'go-cache': { backend: 's3' },
  merge: { sources: '', tags: '127.0.0.1:5000/app:v1' },
  rebase: { image: 'app:Main Branch' },
  'rebuild-check': { image: 'Not/An Image' },
  scan: { dockerfile: 'Dockerfile', severity: 'urgent' },
  'setup-buildkit': { timeout: '0', mirror: 'http://127.0.0.1:9' },
  'setup-pack': { 'allow-unverified': 'maybe', mirror: 'http://127.0.0.1:9' },
  'setup-qemu': { platforms: 'linux/sparc', qemu: 'release', mirror: 'http://127.0.0.1:9' },
  summary: { comment: 'sometimes' },
};

function run(node: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', () => resolve(out));
  });
}

export async function measureStartup(rounds: number): Promise<Figure[]> {
  const node = existsSync(NODE24) ? NODE24 : process.execPath;
  const work = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  try {
    const base = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      GITHUB_WORKSPACE: work,
      RUNNER_TEMP: work,
      RUNNER_TOOL_CACHE: join(work, 'tools'),
      GITHUB_OUTPUT: join(work, 'output'),
      GITHUB_ENV: join(work, 'env'),
      GITHUB_STATE: join(work, 'state'),
      GITHUB_STEP_SUMMARY: join(work, 'summary'),
    };
    writeFileSync(join(work, 'Dockerfile'), 'FROM scratch\n');
    // the runner creates the file-command files before a step starts
    for (const f of ['output', 'env', 'state', 'summary']) writeFileSync(join(work, f), '');
    const nodeTimes: number[] = [];
    // the root action's bundle is dist/gantry, beside each action's dist/<name>
    const actions = ['gantry', ...readdirSync(join(REPO_ROOT, 'actions')).sort()];
    const times = new Map<string, number[]>(actions.map((a) => [a, []]));
    for (let r = 0; r < rounds; r++) {
      nodeTimes.push(await timed(() => run(node, ['-e', '0'], base)));
      for (const a of actions) {
        const inputs = BAD[a];
        if (!inputs) throw new Error(`bench/p4-startup: no bad input for ${a}`);
        const env = {
          ...base,
          ...Object.fromEntries(
            Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
          ),
        };
        const script = join(REPO_ROOT, 'dist', a, 'index.js');
        let out = '';
        times.get(a)!.push(await timed(async () => (out = await run(node, [script], env))));
        if (!out.includes('::error::Input "'))
          throw new Error(`bench/p4-startup: ${a} did not reject its bad input:\n${out}`);
      }
    }
    const nodeMedian = [...nodeTimes].sort((x, y) => x - y)[Math.floor(nodeTimes.length / 2)]!;
    return [
      { id: 'P4', what: 'node -e 0 (Node 24)', samples: nodeTimes, unit: 's' },
      ...actions.map((a): Figure => ({
        id: 'P4',
        what: `${a}: start → inputs checked`,
        samples: times.get(a)!,
        unit: 's',
        versus: { what: 'node -e 0', median: nodeMedian },
        target: { ratio: 2, text: '≤ 2× node -e 0' },
      })),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
