/**
 * Edit-rebuild time for a Go service, two platforms, side by side:
 *   floor  — `go build` of linux/amd64 and linux/arm64 at once, warm cache, after a one-line edit
 *   gantry — the build-push action (go builder), same edit, built and pushed to a local registry
 *   buildah — a Dockerfile build of the same service, cross-compiling in a Go base image that the
 *             bench assembles from Debian's Go toolchain (cache mount for GOCACHE), one bud per target
 * Each tool is timed after its own edit, so none rides another's build cache.
 * Run: npm run bench -- go-build
 */
import { execFile } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Job } from '../test/harness/runner.js';
import { startRegistry } from '../test/integration/support/registry.js';
import { requireGo, requireProgram } from '../test/integration/support/require.js';
import { commitAll, helloGoWorkspace } from '../test/integration/support/workspace.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DRIVER = process.env.BENCH_BUILDAH_DRIVER ?? 'overlay';
/** Lines of generated Go added to the main package, to see the ratio on a larger service. */
const GENERATED = Number(process.env.BENCH_GENERATED_LINES ?? 0);

function generatedGo(lines: number): string {
  const out = ['package main', '', 'import "strings"', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `func gen${i}(s string, n int) string {`,
      '\tvar b strings.Builder',
      '\tfor j := 0; j < n; j++ {',
      `\t\tb.WriteString(strings.Repeat(s, j%${(i % 7) + 2}))`,
      '\t}',
      '\treturn b.String()',
      '}',
      '',
    );
  }
  out.push(
    'var generated = []func(string, int) string{',
    ...Array.from({ length: Math.floor((lines - 4) / 8) }, (_, i) => `\tgen${i},`),
    '}',
  );
  return out.join('\n') + '\n';
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const DOCKERFILE = `FROM localhost/gantry-bench-go:1.23 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
ENV GOOS=linux GOARCH=$TARGETARCH
RUN --mount=type=cache,target=/tmp/.cache/go-build ["/usr/lib/go-1.23/bin/go", "build", "-trimpath", "-ldflags=-s -w", "-o", "/out/hello-go", "."]
FROM scratch
COPY --from=build /out/hello-go /usr/local/bin/hello-go
ENTRYPOINT ["/usr/local/bin/hello-go"]
`;

const timelinePath = (job: Job) => join(job.runnerTemp, 'gantry', 'timeline.jsonl');

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function main(): Promise<void> {
  const go = requireGo();
  const buildah = requireProgram('buildah', 'buildah');
  const work = mkdtempSync(join(tmpdir(), 'bench-go-build-'));
  const workspace = helloGoWorkspace();
  const registry = await startRegistry();
  const storage = [
    '--root',
    join(work, 'storage'),
    '--runroot',
    join(work, 'run'),
    '--storage-driver',
    DRIVER,
  ];
  let edits = 0;
  const edit = () => {
    appendFileSync(join(workspace, 'main.go'), `\nvar benchEdit${++edits} = ${edits}\n`);
    commitAll(workspace, `edit ${edits}`, `2024-05-0${(edits % 9) + 1}T12:00:00Z`);
  };
  try {
    // the Go base image for buildah, from this machine's toolchain (not timed)
    const c = (await run(buildah, [...storage, 'from', 'scratch'])).stdout.trim();
    await run(buildah, [...storage, 'copy', c, '/usr/lib/go-1.23', '/usr/lib/go-1.23']);
    await run(buildah, [...storage, 'copy', c, '/usr/share/go-1.23', '/usr/share/go-1.23']);
    await run(buildah, [
      ...storage,
      'config',
      '--env',
      'PATH=/usr/lib/go-1.23/bin',
      '--env',
      'HOME=/tmp',
      '--env',
      'CGO_ENABLED=0',
      c,
    ]);
    await run(buildah, [...storage, 'commit', '-q', c, 'localhost/gantry-bench-go:1.23']);
    writeFileSync(join(workspace, 'Dockerfile.bench'), DOCKERFILE);
    if (GENERATED > 0) {
      writeFileSync(join(workspace, 'generated.go'), generatedGo(GENERATED));
      commitAll(workspace, 'generated code', '2024-05-01T13:00:00Z');
    }

    const floor = () =>
      Promise.all(
        ['amd64', 'arm64'].map((arch) =>
          run(
            go,
            ['build', '-trimpath', '-ldflags=-s -w', '-o', join(work, `floor-${arch}`), '.'],
            {
              cwd: workspace,
              env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: arch },
            },
          ),
        ),
      );
    const job = await Job.create({ workspace });
    let lastStart = 0;
    let lastEnd = 0;
    const gantry = async () => {
      rmSync(timelinePath(job), { force: true });
      lastStart = Date.now();
      const r = await job.uses('actions/build-push', {
        with: {
          platforms: 'linux/amd64,linux/arm64',
          tags: `${registry.host}/bench:e${edits}`,
          builder: 'go',
        },
      });
      lastEnd = Date.now();
      if (r.exitCode !== 0) throw new Error(`build-push failed: ${r.errors.join('; ')}`);
    };
    const bud = async () => {
      for (const arch of ['amd64', 'arm64']) {
        await run(
          buildah,
          [
            ...storage,
            'bud',
            '--pull-never',
            '--isolation',
            'chroot',
            '--layers',
            '-f',
            'Dockerfile.bench',
            '--build-arg',
            `TARGETARCH=${arch}`,
            '-t',
            `localhost/hello-bench-${arch}`,
            '.',
          ],
          { cwd: workspace, maxBuffer: 64 << 20 },
        );
      }
    };
    // warm every cache once
    for (const f of [floor, gantry, bud]) {
      edit();
      await f();
    }
    // what any JavaScript action costs before its first line: node starting and exiting
    const nodeStart = () => run(process.execPath, ['-e', '0']);
    const times: Record<string, number[]> = { floor: [], gantry: [], buildah: [], node: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, f] of [
        ['node', nodeStart],
        ['floor', floor],
        ['gantry', gantry],
        ['buildah', bud],
      ] as const) {
        if (name !== 'node') edit();
        times[name]!.push(await timed(f));
      }
    }
    const phases = readFileSync(timelinePath(job), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            phase: string;
            start: number;
            end: number;
            attrs: { compileMs?: number };
          },
      );
    await job.cleanup();
    const floorMedian = median(times.floor!);
    console.log(
      `edit-rebuild of examples/hello-go${GENERATED ? ` + ${GENERATED} generated lines in package main` : ''} for linux/amd64 + linux/arm64, median of ${ROUNDS} (buildah storage: ${DRIVER})`,
    );
    console.log(`${'what'.padEnd(44)}${'seconds'.padStart(9)}${'× floor'.padStart(10)}`);
    const row = (label: string, xs: number[]) =>
      console.log(
        `${label.padEnd(44)}${median(xs).toFixed(2).padStart(9)}${(median(xs) / floorMedian).toFixed(2).padStart(10)}`,
      );
    row('floor: go build, both platforms', times.floor!);
    row('gantry build-push: build + push to registry', times.gantry!);
    row('buildah bud: Dockerfile, cross-compiling', times.buildah!);
    row('node -e 0: start cost of any node action', times.node!);
    console.log(
      `where gantry's last run went (ms from the step's start; step took ${lastEnd - lastStart})`,
    );
    for (const p of phases.sort((a, b) => a.start - b.start))
      console.log(
        `  ${p.phase.padEnd(40)}${String(p.start - lastStart).padStart(6)} → ${String(p.end - lastStart).padStart(6)}${p.attrs.compileMs !== undefined ? `   (go build ${p.attrs.compileMs})` : ''}`,
      );
    console.log(
      `target: gantry within 1.3× of the floor — ${median(times.gantry!) / floorMedian <= 1.3 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await registry.stop();
    await run(buildah, [...storage, 'rm', '--all']).catch(() => undefined);
    await run(buildah, [...storage, 'rmi', '--all', '--force']).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}

mkdirSync(tmpdir(), { recursive: true });
await main();
