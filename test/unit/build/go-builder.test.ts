import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGo, type ImagePlan } from '../../../src/build/go/builder.js';
import { resolveBase } from '../../../src/build/base.js';
import { ValidationError } from '../../../src/runtime/errors.js';
import { ExecError, type Exec, type ExecOptions } from '../../../src/runtime/exec.js';
import { readTimeline, Timeline } from '../../../src/runtime/timeline.js';

describe('the Go builder and its plan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'go-builder-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the compiles when the plan fails (a bad base) and reports the plan, not the compiles', async () => {
    const calls: { args: readonly string[]; aborted: boolean }[] = [];
    // a compile that runs until it is stopped, as a long `go build` would
    const exec: Exec = (_file, args, opts: ExecOptions = {}) => {
      const call = { args, aborted: false };
      calls.push(call);
      return new Promise((_resolve, reject) => {
        opts.signal?.addEventListener('abort', () => {
          call.aborted = true;
          reject(new ExecError(['go', ...args], 143, 'stopped'));
        });
      });
    };
    const badBase = new ValidationError('base', 'registry.test/missing:1', 'an image', 'absent');
    const plan = new Promise<ImagePlan>((_resolve, reject) =>
      setTimeout(() => reject(badBase), 20),
    );
    const timelineFile = join(dir, 'timeline.jsonl');
    await expect(
      buildGo({
        exec,
        go: 'go',
        context: join(dir, 'src'),
        main: '.',
        platforms: [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64' },
        ],
        ldflags: [],
        version: 'main',
        revision: 'abc',
        plan: () => plan,
        env: {},
        annotations: {},
        user: '65532',
        workDir: join(dir, 'work'),
        timeline: new Timeline('build-push', { file: timelineFile }),
      }),
    ).rejects.toBe(badBase);
    // both compiles started at once and were stopped; no `go list` check ran after them
    expect(calls.map((c) => [c.args[0], c.aborted])).toEqual([
      ['build', true],
      ['build', true],
    ]);
    expect(readTimeline(timelineFile).map((p) => [p.phase, p.attrs.failed])).toEqual([
      ['build linux/amd64', true],
      ['build linux/arm64', true],
    ]);
  });

  it('a layer made while another platform compiles goes to no registry until that compile ends, and never when it fails', async () => {
    const opened: string[] = [];
    let failArm64: (() => void) | undefined;
    // amd64 writes its binary at once; arm64 runs until told to fail
    const exec: Exec = async (_file, args, opts: ExecOptions = {}) => {
      if (args[0] === 'list') return { exitCode: 0, stdout: 'main example.com/app\n', stderr: '' };
      if (args[0] === 'env') return { exitCode: 0, stdout: 'go1.23.0\n', stderr: '' };
      const out = args[args.indexOf('-o') + 1]!;
      if (opts.env?.GOARCH === 'arm64')
        return new Promise((_resolve, reject) => {
          failArm64 = () => reject(new ExecError(['go', ...args], 1, 'main.go:1: syntax error'));
        });
      mkdirSync(join(out, '..'), { recursive: true });
      writeFileSync(out, Buffer.alloc(64 * 1024, 7));
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ];
    const timelineFile = join(dir, 'timeline.jsonl');
    const building = buildGo({
      exec,
      go: 'go',
      context: join(dir, 'src'),
      main: '.',
      platforms,
      ldflags: [],
      version: 'main',
      revision: 'abc',
      plan: async () => ({
        base: await resolveBase('base', 'scratch', platforms, () => {
          throw new Error('no registry');
        }),
        epoch: 1_700_000_000,
        labels: {},
      }),
      env: {},
      annotations: {},
      user: '65532',
      workDir: join(dir, 'work'),
      timeline: new Timeline('build-push', { file: timelineFile }),
      onBlob: (b) => void opened.push(b.descriptor.digest),
    });
    building.catch(() => undefined);
    // amd64's layer is made while arm64 compiles: it waits, unopened
    for (let i = 0; i < 100 && !readTimelineSafe(timelineFile).length; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(
      readTimeline(timelineFile).map((p) => [p.phase, Number(p.attrs.layerBytes) > 0]),
    ).toEqual([['build linux/amd64', true]]);
    expect(opened).toEqual([]);
    failArm64!();
    await expect(building).rejects.toThrow(/syntax error/);
    await new Promise((r) => setTimeout(r, 20));
    expect(opened).toEqual([]);
  });
});

function readTimelineSafe(file: string) {
  try {
    return readTimeline(file);
  } catch {
    return [];
  }
}
