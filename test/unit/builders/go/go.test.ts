import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoBuilder } from '../../../../src/builders/go/go.js';
import type { BuildRequest } from '../../../../src/builders/builder.js';
import type { RegistryClient } from '../../../../src/oci/registry/client.js';
import { ExecError, type Exec, type ExecOptions } from '../../../../src/runtime/exec.js';
import { readTimeline, Timeline } from '../../../../src/runtime/timeline.js';

/** A build request for two platforms on the built-in base (no registry). */
function request(
  dir: string,
  timelineFile: string,
  over: Partial<BuildRequest> = {},
): BuildRequest {
  return {
    context: join(dir, 'src'),
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
    epoch: 1_700_000_000,
    labels: {},
    annotations: {},
    env: {},
    compression: { compression: 'gzip', level: 1, given: false },
    clientFor: () => {
      throw new Error('no registry');
    },
    destinations: [],
    workDir: join(dir, 'work'),
    timeline: new Timeline('build-push', { file: timelineFile }),
    ...over,
  };
}

const options = {
  go: 'go',
  main: '.',
  ldflags: [],
  version: 'main',
  revision: 'abc',
  user: '65532',
};

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
    // a base whose registry answers after 20 ms that it has no such image
    const badBase = new Error('registry.test/missing:1: no such image');
    const client = {
      getManifest: () => new Promise((_resolve, reject) => setTimeout(() => reject(badBase), 20)),
    } as unknown as RegistryClient;
    const timelineFile = join(dir, 'timeline.jsonl');
    await expect(
      new GoBuilder({ ...options, exec, base: 'registry.test/missing:1' }).build(
        request(dir, timelineFile, { clientFor: () => client }),
      ),
    ).rejects.toBe(badBase);
    // both compiles started at once and were stopped; no `go list` check ran after them
    expect(calls.map((c) => [c.args[0], c.aborted])).toEqual([
      ['build', true],
      ['build', true],
    ]);
    // the base's phase failed (and said so first); the compiles were stopped
    expect(readTimeline(timelineFile).map((p) => [p.phase, p.attrs.failed])).toEqual([
      ['base', true],
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
    const building = new GoBuilder({ ...options, exec, base: 'scratch' }).build(
      request(dir, timelineFile, {
        platforms,
        uploads: { offer: (b) => void opened.push(b.descriptor.digest) },
      }),
    );
    building.catch(() => undefined);
    // amd64's layer is made while arm64 compiles: it waits, unopened
    const builds = () => readTimelineSafe(timelineFile).filter((p) => p.phase.startsWith('build'));
    for (let i = 0; i < 100 && !builds().length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(builds().map((p) => [p.phase, Number(p.attrs.layerBytes) > 0])).toEqual([
      ['build linux/amd64', true],
    ]);
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
