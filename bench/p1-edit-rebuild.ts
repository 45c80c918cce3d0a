/**
 * P1: edit-rebuild of a Go service for linux/amd64 + linux/arm64, pushed, side by side:
 *   floor      both `go build`s at once, warm cache, gantry's flags (and one after the other)
 *   by hand    the fastest standard tools, as ko works (lib/hand.ts): go build, tar | gzip -1,
 *              crane append, crane index append — against gantry doing the same work (scratch,
 *              no attestations) and gantry with its defaults
 *   gantry     build-push (go builder) to a local registry, timed from its process's start to its
 *              exit as the runner starts it
 *   buildah    a Dockerfile cross-compiling in a Go image built from this machine's Go, with a
 *              cache mount for GOCACHE, one `bud` per platform (BENCH_BUILDAH=0 skips it)
 * for examples/hello-go and examples/orders-api (23 vendored modules). Each tool is timed after its
 * own one-line edit, so none rides another's build cache. Where gantry's time went is read
 * from its timeline. BENCH_AGAINST=<checkout> also times that checkout's build-push (its
 * committed dist/) in the same rounds, interleaved: a change measured against what it changed on
 * a machine whose speed drifts between runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { STATIC_BASE_BUILD_TAGS } from '../src/image/base.js';
import { readTimeline } from '../src/runtime/timeline.js';
import { Job } from '../test/harness/runner.js';
import { startRegistry, type RunningRegistry } from '../test/integration/support/registry.js';
import { requireGo, requireProgram } from '../test/integration/support/require.js';
import { commitAll, exampleWorkspace } from '../test/integration/support/workspace.js';
import { buildkitMissing, timeBuildkit } from './p1-buildkit.js';
import { crossCompileDockerfile } from './lib/dockerfile.js';
import { findCrane, handPipeline, pushPlatformBases } from './lib/hand.js';
import { stat, timed, type Figure } from './lib/table.js';

const run = promisify(execFile);
const ARCHES = ['amd64', 'arm64'] as const;
/** The hand pipeline's bases: an empty image per platform. */
const PLATFORM_BASES = 'bench-platform-base';

/** The service's edit-rebuild loop: one-line edits, each committed (the image time follows). */
class Service {
  private edits = 0;
  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}
  edit(): void {
    this.edits++;
    appendFileSync(join(this.dir, 'main.go'), `\nvar benchEdit${this.edits} = ${this.edits}\n`);
    commitAll(
      this.dir,
      `edit ${this.edits}`,
      `2024-06-01T12:${String(this.edits % 60).padStart(2, '0')}:00Z`,
    );
  }
}

/** What gantry passes to go build, so the floor builds the same binaries. */
function goArgs(out: string): string[] {
  return [
    'build',
    '-trimpath',
    '-tags',
    STATIC_BASE_BUILD_TAGS.join(','),
    '-ldflags',
    '-s -w -X main.version=bench -X main.commit=bench',
    '-o',
    out,
    '.',
  ];
}

/** A Go image for buildah from this machine's toolchain, at its own GOROOT (links' targets too). */
async function buildahBase(buildah: string, storage: string[], go: string): Promise<string> {
  const goroot = (await run(go, ['env', 'GOROOT'])).stdout.trim();
  const c = (await run(buildah, [...storage, 'from', 'scratch'])).stdout.trim();
  const copied = new Set([goroot]);
  for (const e of readdirSync(goroot, { withFileTypes: true }))
    if (e.isSymbolicLink()) copied.add(dirname(realpathSync(join(goroot, e.name))));
  for (const dir of copied) await run(buildah, [...storage, 'copy', c, dir, dir]);
  await run(buildah, [
    ...storage,
    'config',
    '--env',
    `PATH=${goroot}/bin`,
    '--env',
    'HOME=/tmp',
    '--env',
    'CGO_ENABLED=0',
    '--env',
    'GOFLAGS=-mod=vendor',
    c,
  ]);
  await run(buildah, [...storage, 'commit', '-q', c, 'localhost/gantry-bench-go:local']);
  return goroot;
}

/** BENCH_AGAINST: another checkout of gantry, named by its commit. */
function againstCheckout(): { dir: string; rev: string } | undefined {
  const dir = process.env.BENCH_AGAINST;
  if (!dir) return undefined;
  const rev = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
  return { dir: resolve(dir), rev };
}

async function measureService(
  name: string,
  rounds: number,
  registry: RunningRegistry,
  buildah: { bin: string; storage: string[]; goroot: string } | undefined,
  target: number,
  withBuildkit: boolean,
  { crane, craneWhy }: { crane?: string | undefined; craneWhy?: string | undefined },
): Promise<Figure[]> {
  const go = requireGo();
  const against = againstCheckout();
  const svc = new Service(name, exampleWorkspace(name));
  const work = mkdtempSync(join(tmpdir(), `bench-p1-${name}-`));
  const env = { ...process.env, CGO_ENABLED: '0', GOOS: 'linux' };
  const job = await Job.create({ workspace: svc.dir });
  try {
    const floorParallel = () =>
      Promise.all(
        ARCHES.map((arch) =>
          run(go, goArgs(join(work, `floor-${arch}`)), {
            cwd: svc.dir,
            env: { ...env, GOARCH: arch },
          }),
        ),
      );
    const floorSequential = async () => {
      for (const arch of ARCHES)
        await run(go, goArgs(join(work, `floor-${arch}`)), {
          cwd: svc.dir,
          env: { ...env, GOARCH: arch },
        });
    };
    const timeline = join(job.runnerTemp, 'gantry', 'timeline.jsonl');
    let gantryStart = 0;
    // timed as the runner runs it: from the node process's start to its exit (run.ms)
    const gantryWith =
      (
        compression: 'gzip' | 'zstd',
        action = 'actions/build-push',
        more: Record<string, string> = {},
      ) =>
      async () => {
        rmSync(timeline, { force: true });
        gantryStart = Date.now();
        const r = await job.uses(action, {
          with: {
            platforms: 'linux/amd64,linux/arm64',
            tags: `${registry.host}/${name}:bench-${compression}${more.base ? '-same' : more.sbom ? '-unattested' : ''}`,
            builder: 'go',
            compression,
            ...more,
          },
        });
        if (r.exitCode !== 0) throw new Error(`build-push failed: ${r.errors.join('; ')}`);
        return (r.ms ?? 0) / 1000;
      };
    const gantry = gantryWith('gzip');
    // the hand pipeline's work: scratch, no SBOM, no provenance
    const sameWork = { base: 'scratch', sbom: 'false', provenance: 'false' };
    const unattested = { sbom: 'false', provenance: 'false' };
    const hand = crane
      ? handPipeline({
          go,
          crane,
          dir: svc.dir,
          work,
          name,
          host: registry.host,
          repository: `${name}-hand`,
          bases: PLATFORM_BASES,
          arches: ARCHES,
          ldflags: '-s -w -X main.version=bench -X main.commit=bench',
          env,
        })
      : undefined;
    const bud = async () => {
      for (const arch of ARCHES)
        await run(
          buildah!.bin,
          [
            ...buildah!.storage,
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
            `localhost/${name}-bench-${arch}`,
            '.',
          ],
          { cwd: svc.dir, maxBuffer: 64 << 20 },
        );
    };
    if (buildah) {
      writeFileSync(
        join(svc.dir, 'Dockerfile.bench'),
        crossCompileDockerfile({
          name,
          goroot: buildah.goroot,
          from: 'FROM localhost/gantry-bench-go:local',
        }),
      );
      commitAll(svc.dir, 'bench Dockerfile', '2024-06-01T11:00:00Z');
    }
    type Tool = [string, () => Promise<unknown>];
    const tools: Tool[] = [
      ['floor', floorParallel],
      ['sequential', floorSequential],
      ...(hand ? ([['hand', hand]] as Tool[]) : []),
      ['gantry-same', gantryWith('gzip', 'actions/build-push', sameWork)],
      // the defaults but the SBOM and provenance: what the attestations alone cost
      ['gantry-unattested', gantryWith('gzip', 'actions/build-push', unattested)],
      // zstd first: the timeline read below is the default's (gzip), the last gantry run
      ['gantry-zstd', gantryWith('zstd')],
      ...(against
        ? ([
            ['against', gantryWith('gzip', join(against.dir, 'actions/build-push'))],
            ['against-same', gantryWith('gzip', join(against.dir, 'actions/build-push'), sameWork)],
          ] as Tool[])
        : []),
      ['gantry', gantry],
      ...(buildah ? ([['buildah', bud]] as Tool[]) : []),
    ];
    // warm every cache once
    for (const [, f] of tools) {
      svc.edit();
      await f();
    }
    const times = new Map<string, number[]>(tools.map(([n]) => [n, []]));
    // a gantry run reports its own time (the step's process); any other is timed around it
    for (let r = 0; r < rounds; r++)
      for (const [n, f] of tools) {
        svc.edit();
        let own: unknown;
        const around = await timed(async () => (own = await f()));
        times.get(n)!.push(typeof own === 'number' ? own : around);
      }
    // BuildKit last: its own job and daemon, kept warm across its rounds
    const missing =
      buildkitMissing() ??
      (buildah ? undefined : 'BENCH_BUILDAH=0 (its Go image is made by buildah)');
    const buildkitTimes =
      withBuildkit && !missing
        ? await timeBuildkit({
            name,
            dir: svc.dir,
            edit: () => svc.edit(),
            rounds,
            registry,
            buildah: buildah!,
          })
        : undefined;
    const phases = readTimeline(timeline);
    const floor = stat(times.get('floor')!).median;
    const versus = { what: 'floor', median: floor };
    const compiles = phases
      .filter((p) => p.phase.startsWith('build '))
      .map((p) => (p.attrs as { compileMs?: number }).compileMs ?? 0);
    const at = (phase: string) => phases.find((p) => p.phase === phase);
    const firstBuild = Math.min(
      ...phases.filter((p) => p.phase.startsWith('build ')).map((p) => p.start),
    );
    const push = at('push');
    const builds = phases.filter((p) => p.phase.startsWith('build '));
    const layering = builds.map(
      (p) => p.end - p.start - ((p.attrs as { compileMs?: number }).compileMs ?? 0),
    );
    const lastBuild = Math.max(...builds.map((p) => p.end));
    const where = [
      `compiles start ${firstBuild - gantryStart} ms in`,
      `go build ${compiles.join('/')} ms`,
      `then tar + gzip (in pieces) ${layering.join('/')} ms`,
      ...(push
        ? [
            `push ${push.end - push.start} ms (from ${push.start - lastBuild} ms after the last layer)`,
          ]
        : []),
      `the step ends ${gantryStart + Math.round(times.get('gantry')!.at(-1)! * 1000) - (push?.end ?? lastBuild)} ms after that`,
    ].join('; ');
    return [
      {
        id: 'P1',
        what: `${name}: floor, both go builds at once`,
        samples: times.get('floor')!,
        unit: 's',
      },
      {
        id: 'P1',
        what: `${name}: floor, one after the other`,
        samples: times.get('sequential')!,
        unit: 's',
        versus,
      },
      {
        id: 'P1',
        what: `${name}: gantry build-push (built + pushed)`,
        samples: times.get('gantry')!,
        unit: 's',
        versus,
        target: { ratio: target, text: `≤ ${target}× floor` },
        note: `last run: ${where}`,
      },
      ...(against
        ? [
            {
              id: 'P1',
              what: `${name}: gantry at ${against.rev}, the same rounds`,
              samples: times.get('against')!,
              unit: 's' as const,
              versus,
              target: { ratio: target, text: `≤ ${target}× floor` },
            },
            {
              id: 'P1',
              what: `${name}: gantry against gantry at ${against.rev}`,
              samples: times.get('gantry')!,
              unit: 's' as const,
              versus: { what: against.rev, median: stat(times.get('against')!).median },
            },
          ]
        : []),
      ...(hand
        ? [
            {
              id: 'P1',
              what: `${name}: by hand: go build, tar | gzip -1, crane append, crane index append`,
              samples: times.get('hand')!,
              unit: 's' as const,
              versus,
            },
            {
              id: 'P1',
              what: `${name}: gantry, the same work (base: scratch, no SBOM, no provenance)`,
              samples: times.get('gantry-same')!,
              unit: 's' as const,
              versus: { what: 'by hand', median: stat(times.get('hand')!).median },
              target: { ratio: 0.85, text: '≤ 0.85× by hand' },
            },
            {
              id: 'P1',
              what: `${name}: gantry with its defaults (static base, SBOM + provenance)`,
              samples: times.get('gantry')!,
              unit: 's' as const,
              versus: { what: 'by hand', median: stat(times.get('hand')!).median },
              target: { ratio: 0.95, text: '≤ 0.95× by hand' },
            },
            {
              id: 'P1',
              what: `${name}: gantry's defaults against the same work: what the static base and attestations cost`,
              samples: times.get('gantry')!,
              unit: 's' as const,
              versus: { what: 'same work', median: stat(times.get('gantry-same')!).median },
            },
            {
              id: 'P1',
              what: `${name}: gantry's defaults against them without SBOM and provenance: what the attestations cost`,
              samples: times.get('gantry')!,
              unit: 's' as const,
              versus: { what: 'unattested', median: stat(times.get('gantry-unattested')!).median },
              target: { ratio: 1.05, text: '≤ 1.05× (attestations ≤ 5 %)' },
            },
          ]
        : [
            {
              id: 'P1',
              what: `${name}: by hand with crane`,
              samples: [],
              unit: 's' as const,
              note: `not run: ${craneWhy}`,
            },
          ]),
      ...(against
        ? [
            {
              id: 'P1',
              what: `${name}: gantry, the same work, against gantry at ${against.rev}`,
              samples: times.get('gantry-same')!,
              unit: 's' as const,
              versus: { what: against.rev, median: stat(times.get('against-same')!).median },
            },
          ]
        : []),
      {
        id: 'P1',
        what: `${name}: gantry build-push, compression: zstd`,
        samples: times.get('gantry-zstd')!,
        unit: 's',
        versus,
        target: { ratio: target, text: `≤ ${target}× floor` },
      },
      ...(buildah
        ? [
            {
              id: 'P1',
              what: `${name}: buildah bud, cache mount, cross-compiling`,
              samples: times.get('buildah')!,
              unit: 's' as const,
              versus,
            },
          ]
        : []),
      ...(!withBuildkit
        ? []
        : buildkitTimes
          ? [
              {
                id: 'P1',
                what: `${name}: BuildKit ${'v0.24.0'}, cache mount, its own warm daemon`,
                samples: buildkitTimes,
                unit: 's' as const,
                versus,
              },
              {
                id: 'P1',
                what: `${name}: gantry against that BuildKit`,
                samples: times.get('gantry')!,
                unit: 's' as const,
                versus: { what: 'BuildKit', median: stat(buildkitTimes).median },
                target: { ratio: 1 / 1.3, text: '≥ 1.3× faster (≤ 0.77×)' },
              },
            ]
          : [
              {
                id: 'P1',
                what: 'BuildKit, cache mount, its own warm daemon',
                samples: [],
                unit: 's' as const,
                note: `not run: ${missing}`,
              },
            ]),
    ];
  } finally {
    await job.cleanup();
    rmSync(work, { recursive: true, force: true });
    rmSync(svc.dir, { recursive: true, force: true });
  }
}

export async function measureEditRebuild(rounds: number): Promise<Figure[]> {
  const registry = await startRegistry();
  const withBuildah = process.env.BENCH_BUILDAH !== '0';
  const storageDir = mkdtempSync(join(tmpdir(), 'bench-p1-buildah-'));
  const storage = [
    '--root',
    join(storageDir, 'root'),
    '--runroot',
    join(storageDir, 'run'),
    '--storage-driver',
    'overlay',
  ];
  const bin = withBuildah ? requireProgram('buildah', 'buildah') : '';
  let buildah: { bin: string; storage: string[]; goroot: string } | undefined;
  try {
    if (bin) buildah = { bin, storage, goroot: await buildahBase(bin, storage, requireGo()) };
    // BENCH_SERVICES=orders-api measures one of them
    const only = process.env.BENCH_SERVICES?.split(',').filter(Boolean);
    const figures: Figure[] = [];
    const found = await findCrane();
    if (found.bin) await pushPlatformBases(registry.host, PLATFORM_BASES, ARCHES);
    const crane = { crane: found.bin, craneWhy: found.missing };
    for (const [name, target, withBuildkit] of [
      ['hello-go', 1.4, false],
      ['orders-api', 1.15, true],
    ] as const)
      if (!only || only.includes(name))
        figures.push(
          ...(await measureService(name, rounds, registry, buildah, target, withBuildkit, crane)),
        );
    return figures;
  } finally {
    await registry.stop();
    if (buildah) {
      await run(buildah.bin, [...storage, 'rm', '--all']).catch(() => undefined);
      await run(buildah.bin, [...storage, 'rmi', '--all', '--force']).catch(() => undefined);
    }
    rmSync(storageDir, { recursive: true, force: true });
  }
}
