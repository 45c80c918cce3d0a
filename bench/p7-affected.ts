/**
 * P7: which services a change reaches, on a generated monorepo — 200 packages over 50 services in
 * one module, each package importing up to three before it, each service four — for two
 * platforms: the affected action as the runner starts it, against one `go list -deps ./...` (one
 * platform), the least any answer from Go's own graph costs. The change: one shared package's file.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE24, REPO_ROOT } from '../test/harness/paths.js';
import { timed, type Figure } from './lib/table.js';

const PACKAGES = 200;
const SERVICES = 50;

/** A small deterministic generator: the same monorepo every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function generate(dir: string): void {
  const next = random(7);
  const pick = (n: number, below: number) =>
    [...new Set(Array.from({ length: n }, () => Math.floor(next() * below)))].sort((a, b) => a - b);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/big\n\ngo 1.22\n');
  const name = (i: number) => `p${String(i).padStart(3, '0')}`;
  for (let i = 0; i < PACKAGES; i++) {
    const deps = i === 0 ? [] : pick(3, i);
    mkdirSync(join(dir, 'internal', name(i)), { recursive: true });
    writeFileSync(
      join(dir, 'internal', name(i), `${name(i)}.go`),
      `package ${name(i)}\n\n${deps.map((d) => `import "example.com/big/internal/${name(d)}"\n`).join('')}\n` +
        `// V is this package's value.\nfunc V() int { return ${i}${deps.map((d) => ` + ${name(d)}.V()`).join('')} }\n`,
    );
  }
  for (let s = 0; s < SERVICES; s++) {
    const deps = pick(4, PACKAGES);
    mkdirSync(join(dir, 'cmd', `s${s}`), { recursive: true });
    writeFileSync(
      join(dir, 'cmd', `s${s}`, 'main.go'),
      `package main\n\nimport "fmt"\n${deps.map((d) => `import "example.com/big/internal/${name(d)}"\n`).join('')}\n` +
        `func main() { fmt.Println(0${deps.map((d) => ` + ${name(d)}.V()`).join('')}) }\n`,
    );
  }
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}:\n${out}`)),
    );
  });
}

export async function measureAffected(rounds: number): Promise<Figure[]> {
  const node = existsSync(NODE24) ? NODE24 : process.execPath;
  const go = process.env.GANTRY_GO || 'go';
  const work = mkdtempSync(join(tmpdir(), 'bench-p7-'));
  const repo = join(work, 'repo');
  mkdirSync(repo);
  try {
    generate(repo);
    const git = (...args: string[]) =>
      execFileSync(
        'git',
        ['-c', 'user.name=bench', '-c', 'user.email=bench@gantry.invalid', ...args],
        {
          cwd: repo,
          encoding: 'utf8',
        },
      ).trim();
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'generated');
    const base = git('rev-parse', 'HEAD');
    appendFileSync(join(repo, 'internal', 'p150', 'p150.go'), '\n// an edit\n');
    git('commit', '-q', '-am', 'an edit');
    const env = {
      ...process.env,
      GOCACHE: join(work, 'gocache'),
      GOFLAGS: '-mod=mod',
      GOPROXY: 'off',
    };
    const runner = {
      ...env,
      GITHUB_WORKSPACE: repo,
      RUNNER_TEMP: join(work, 'temp'),
      GITHUB_OUTPUT: join(work, 'output'),
      GITHUB_STEP_SUMMARY: join(work, 'summary'),
      GITHUB_EVENT_NAME: 'push',
      INPUT_BASE: base,
      INPUT_PLATFORMS: 'linux/amd64,linux/arm64',
      'INPUT_WORKING-DIRECTORY': '.',
    };
    mkdirSync(runner.RUNNER_TEMP);
    const script = join(REPO_ROOT, 'dist', 'affected', 'index.js');
    // once untimed: the go command's own caches warm, as on a runner that ran setup-go
    await run(go, ['list', '-deps', './...'], env, repo);
    const list: number[] = [];
    const affected: number[] = [];
    let picked = '';
    for (let r = 0; r < rounds; r++) {
      list.push(await timed(() => run(go, ['list', '-deps', '-json', './...'], env, repo)));
      for (const f of ['output', 'summary']) writeFileSync(join(work, f), '');
      affected.push(await timed(() => run(node, [script], runner, repo)));
      picked =
        /^services<<(\S+)\n(.*)\n\1$/m.exec(readFileSync(runner.GITHUB_OUTPUT, 'utf8'))?.[2] ?? '';
    }
    const count = (JSON.parse(picked || '[]') as string[]).length;
    if (count === 0) throw new Error('bench/p7-affected: the edit reached no service');
    const listMedian = [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    return [
      {
        id: 'P7',
        what: `go list -deps -json ./... (${PACKAGES} packages, ${SERVICES} mains, one platform)`,
        samples: list,
        unit: 's',
      },
      {
        id: 'P7',
        what: `affected: ${SERVICES} services, 2 platforms, one shared package edited (${count} reached)`,
        samples: affected,
        unit: 's',
        versus: { what: 'one go list', median: listMedian },
        target: { value: 3, text: '≤ 3 s (a few seconds on 2 cores)' },
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
