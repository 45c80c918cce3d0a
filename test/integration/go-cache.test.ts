import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MIN_NEW_BYTES } from '../../src/cache/policy.js';
import { readTimeline } from '../../src/runtime/timeline.js';
import { Job } from '../harness/runner.js';
import { startCacheService, type CacheService } from './support/cache-service.js';
import { writeGoProxy } from './support/goproxy.js';
import { requireGo } from './support/require.js';
import { commitAll } from './support/workspace.js';

/** The local cache's folder of the repository these jobs run for: entries are kept per repository. */
const entriesOf = (store: string) => join(store, encodeURIComponent('acme/svc'));
const ACTION = 'actions/go-cache';
const DEFAULT_BRANCH = {
  ref: 'refs/heads/main',
  repository: { default_branch: 'main', full_name: 'acme/svc' },
};

let go: string;
let work: string;
let proxy: string;
beforeAll(() => {
  go = requireGo();
  work = mkdtempSync(join(tmpdir(), 'go-cache-it-'));
  const greet = (v: string) => ({
    path: 'example.com/greet',
    version: v,
    files: {
      'go.mod': 'module example.com/greet\n\ngo 1.22\n',
      'greet.go': `package greet\n\nfunc Hello() string { return "hello from ${v}" }\n`,
    },
  });
  proxy = writeGoProxy(join(work, 'proxy'), [greet('v1.0.0'), greet('v1.1.0')]);
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Go's environment for one job: its own (empty) caches, modules only from the test proxy. */
function goEnv(name: string, opts: { kept?: boolean } = {}): Record<string, string> {
  const home = join(work, name);
  // a self-hosted runner keeps its caches between jobs; a fresh one starts without them
  for (const d of opts.kept ? [] : ['gocache', 'gomod']) {
    const p = join(home, d);
    // the module cache is read-only, as go leaves it
    if (existsSync(p)) execFileSync('chmod', ['-R', 'u+w', p]);
    rmSync(p, { recursive: true, force: true });
  }
  mkdirSync(home, { recursive: true });
  return {
    PATH: `${dirname(go)}:${process.env.PATH ?? ''}`,
    HOME: home,
    GOCACHE: join(home, 'gocache'),
    GOMODCACHE: join(home, 'gomod'),
    GOPROXY: proxy,
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
  };
}

/** A generated package big enough that its compiled form dominates an edit's new cache entries. */
function bigPackage(edit: number): string {
  const funcs = Array.from(
    { length: 1500 },
    (_, i) =>
      `func F${i}(x int) int {\n\ts := x\n\tfor j := 0; j < ${(i % 7) + 1}; j++ {\n\t\ts = s*31 + j + ${i}\n\t}\n\treturn s + ${edit}\n}\n`,
  );
  return `package big\n\n${funcs.join('\n')}\nfunc Sum() int { return F0(1) + F${1499}(2) }\n`;
}

/** A module repo (example.com/svc) requiring example.com/greet at version, with go.sum. */
function moduleWorkspace(name: string, greetVersion: string): string {
  // one checkout path for every job, as on a hosted runner: Go keys builds by directory
  const dir = join(work, 'checkout', 'workspace');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'big'), { recursive: true });
  writeFileSync(
    join(dir, 'go.mod'),
    `module example.com/svc\n\ngo 1.22\n\nrequire example.com/greet ${greetVersion}\n`,
  );
  writeFileSync(
    join(dir, 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n\t"example.com/svc/big"\n)\n\nfunc main() { fmt.Println(greet.Hello(), big.Sum()) }\n',
  );
  writeFileSync(join(dir, 'big', 'big.go'), bigPackage(0));
  execFileSync(go, ['mod', 'tidy'], {
    cwd: dir,
    env: { ...process.env, ...goEnv(`${name}-tidy`) },
  });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  commitAll(dir, 'svc', '2024-05-01T12:00:00Z');
  return dir;
}

/** `go build -v` names only the packages it compiles: cached ones are silent. */
const BUILD =
  'go build -v -o "$RUNNER_TEMP/svc" . 2> "$RUNNER_TEMP/compiled"\n' +
  'echo "compiled=$(grep -c . "$RUNNER_TEMP/compiled" || true)" >> "$GITHUB_OUTPUT"\n' +
  '"$RUNNER_TEMP/svc"\n';

interface Run {
  hit: string;
  compiled: number;
  job: Job;
}

async function runJob(opts: {
  name: string;
  workspace: string;
  with: Record<string, string>;
  env?: Record<string, string>;
  event?: { name: string; payload: object };
  before?: string;
}): Promise<Run> {
  const job = await Job.create({
    workspace: opts.workspace,
    event: opts.event ?? { name: 'push', payload: DEFAULT_BRANCH },
    env: { ...goEnv('runner'), ...(opts.env ?? {}) },
  });
  if (opts.before) await job.run(opts.before);
  const step = await job.uses(ACTION, { id: 'cache', with: opts.with });
  expect(step.errors).toEqual([]);
  const build = await job.run(BUILD, { workingDirectory: step.outputs.path });
  if (build.outcome !== 'success') throw new Error(`the build failed:\n${build.log}`);
  await job.runPosts();
  return { hit: step.outputs['cache-hit'] ?? '', compiled: Number(build.outputs.compiled), job };
}

function phase(job: Job, name: string) {
  return readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl')).find(
    (p) => p.action === 'go-cache' && p.phase === name,
  );
}

describe('go-cache with the local backend', () => {
  test('a module repo restores exactly, then partially after a go.sum change, and stays warm', async () => {
    const store = join(work, 'store-a');
    const opts = { backend: 'local', 'local-dir': store };
    const first = await runJob({
      name: 'a1',
      workspace: moduleWorkspace('a1', 'v1.0.0'),
      with: opts,
    });
    expect(first.hit).toBe('none');
    expect(first.compiled).toBeGreaterThan(10); // the standard library, greet, big, main
    expect(phase(first.job, 'save')?.attrs).toMatchObject({
      'build-saved': true,
      'modules-saved': true,
    });

    // a fresh runner, offline: modules and builds come only from the cache
    const second = await runJob({
      name: 'a2',
      workspace: moduleWorkspace('a2', 'v1.0.0'),
      with: opts,
      env: { GOPROXY: 'off' },
    });
    expect(second.hit).toBe('exact');
    expect(second.compiled).toBe(0);
    expect(phase(second.job, 'save')?.attrs).toMatchObject({
      'build-saved': false,
      'modules-saved': false,
    });

    // the dependency moves: go.sum changes, the caches restore from a fallback key
    const third = await runJob({
      name: 'a3',
      workspace: moduleWorkspace('a3', 'v1.1.0'),
      with: opts,
    });
    expect(third.hit).toBe('partial');
    expect(third.compiled).toBeGreaterThan(0);
    expect(third.compiled).toBeLessThanOrEqual(3); // greet and main (and nothing else)
    expect(third.compiled * 4).toBeLessThan(first.compiled);
  });

  test('a runner that kept its GOCACHE: files there are left as they are, missing ones restored', async () => {
    const store = join(work, 'store-k');
    const workspace = moduleWorkspace('k', 'v1.0.0');
    const first = await runJob({
      name: 'k',
      workspace,
      with: { backend: 'local', 'local-dir': store },
    });
    expect(phase(first.job, 'save')?.attrs['build-saved']).toBe(true);
    const gocache = join(work, 'runner', 'gocache');
    // Go's README in GOCACHE is in the saved entry and is never read by go: mark it
    writeFileSync(join(gocache, 'README'), 'kept by this runner\n');
    const shard = readdirSync(gocache).find(
      (d) => /^[0-9a-f]{2}$/.test(d) && readdirSync(join(gocache, d)).length,
    )!;
    const gone = join(gocache, shard, readdirSync(join(gocache, shard))[0]!);
    rmSync(gone);
    const job = await Job.create({
      workspace,
      event: { name: 'push', payload: DEFAULT_BRANCH },
      env: goEnv('runner', { kept: true }),
    });
    const step = await job.uses(ACTION, {
      id: 'cache',
      with: { backend: 'local', 'local-dir': store },
    });
    expect(step.outputs['cache-hit']).toBe('exact');
    expect(readFileSync(join(gocache, 'README'), 'utf8')).toBe('kept by this runner\n');
    expect(existsSync(gone)).toBe(true);
  });

  test('ten edit-rebuild cycles keep the saved build cache within 1.2x of the first', async () => {
    const store = join(work, 'store-b');
    const workspace = moduleWorkspace('b', 'v1.0.0');
    const sizes: number[] = [];
    for (let cycle = 0; cycle < 10; cycle++) {
      writeFileSync(join(workspace, 'big', 'big.go'), bigPackage(cycle + 1));
      commitAll(workspace, `edit ${cycle}`, '2024-05-01T12:00:00Z');
      const run = await runJob({
        name: `b${cycle}`,
        workspace,
        with: { backend: 'local', 'local-dir': store },
      });
      if (cycle > 0) {
        expect(run.hit).toBe('exact');
        expect(phase(run.job, 'trim')?.attrs.dropped).toBeGreaterThan(0);
      }
      const saved = readdirSync(entriesOf(store))
        .filter((f) => f.includes('-build-'))
        .map((f) => statSync(join(entriesOf(store), f)))
        .sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
      if (!saved) throw new Error(`run ${cycle} saved no build cache`);
      sizes.push(saved.size);
    }
    for (const size of sizes) expect(size).toBeLessThanOrEqual(sizes[0]! * 1.2);
  }, 240_000);

  test("a cold build's cache is saved again, once, without the entries a cached build never reads", async () => {
    const store = join(work, 'store-u');
    const workspace = moduleWorkspace('u', 'v1.0.0');
    const opts = { backend: 'local', 'local-dir': store };
    /** The entries of the newest saved build cache. */
    const savedEntries = () => {
      const newest = readdirSync(entriesOf(store))
        .filter((f) => f.includes('-build-'))
        .sort((a, b) => Number(b.split('-')[0]) - Number(a.split('-')[0]))[0]!;
      return execFileSync('tar', ['-tf', join(entriesOf(store), newest)], { encoding: 'utf8' })
        .split('\n')
        .filter((n) => /-[ad]$/.test(n)).length;
    };
    const editMain = (n: number) => {
      writeFileSync(join(workspace, 'main.go'), `\nvar edit${n} = ${n}\n`, { flag: 'a' });
      commitAll(workspace, `edit ${n}`, '2024-05-01T12:00:00Z');
    };
    const cold = await runJob({ name: 'u0', workspace, with: opts });
    expect(phase(cold.job, 'save')?.attrs['build-saved']).toBe(true);
    const coldEntries = savedEntries();

    // one commit again: nothing compiled, nothing saved, though the cold build's records went unused
    const again = await runJob({ name: 'u1', workspace, with: opts });
    expect(again.compiled).toBe(0);
    expect(phase(again.job, 'save')?.attrs['build-saved']).toBe(false);
    const unusedByCold = phase(again.job, 'save')?.attrs['unused-restored'] as number;
    expect(unusedByCold).toBeGreaterThan(20);

    // an edit compiles main only: the cache is saved again without what went unused
    editMain(1);
    const first = await runJob({ name: 'u2', workspace, with: opts });
    expect(first.hit).toBe('exact');
    expect(first.compiled).toBe(1);
    expect(phase(first.job, 'save')?.attrs).toMatchObject({ 'build-saved': true });
    const resaved = savedEntries();
    expect(resaved).toBeLessThanOrEqual(coldEntries - unusedByCold + 8);

    // the next edit restores (almost) only what it reads, compiles main only, and saves nothing
    editMain(2);
    const second = await runJob({ name: 'u3', workspace, with: opts });
    expect(second.hit).toBe('exact');
    expect(second.compiled).toBe(1);
    const saved = phase(second.job, 'save')?.attrs;
    expect(saved).toMatchObject({ 'build-saved': false });
    expect(saved?.['unused-restored']).toBeLessThan(unusedByCold / 4);
    expect(phase(second.job, 'restore')?.attrs.entries).toBe(resaved);
  });

  test('restores into a GOCACHE elsewhere (another parent, another depth): the next build compiles nothing', async () => {
    const store = join(work, 'store-moved');
    const workspace = moduleWorkspace('moved', 'v1.0.0');
    const opts = { backend: 'local', 'local-dir': store };
    const first = await runJob({ name: 'm1', workspace, with: opts });
    expect(first.compiled).toBeGreaterThan(0);
    // another pod of an autoscaled fleet: its home, RUNNER_TEMP and GOCACHE are elsewhere
    const gocache = join(work, 'pod-7', 'home', 'runner', '.cache', 'go-build');
    const second = await runJob({ name: 'm2', workspace, with: opts, env: { GOCACHE: gocache } });
    expect(second.hit).toBe('exact');
    expect(second.compiled).toBe(0);
    expect(readdirSync(gocache).length).toBeGreaterThan(16);
  }, 180_000);

  test('an entry that restores nothing is a miss, said with its key', async () => {
    const store = join(work, 'store-hollow');
    const workspace = moduleWorkspace('hollow', 'v1.0.0');
    const opts = { backend: 'local', 'local-dir': store };
    await runJob({ name: 'h1', workspace, with: opts });
    // the build cache's entry, its key kept, now holding an empty GOCACHE
    const built = readdirSync(entriesOf(store)).find((f) => f.includes('-build-'))!;
    const empty = join(work, 'hollow-empty');
    mkdirSync(empty, { recursive: true });
    execFileSync('tar', [
      '-cf',
      join(entriesOf(store), built),
      '-C',
      empty,
      '--transform=s,^\\.,0,',
      '.',
    ]);
    const second = await runJob({ name: 'h2', workspace, with: opts });
    expect(second.hit).toBe('partial'); // the module cache did restore
    expect(second.compiled).toBeGreaterThan(0);
    const key = decodeURIComponent(built.replace(/^\d+-/, '').replace(/\.tar$/, ''));
    expect(second.job.steps.cache?.warnings).toEqual([
      expect.stringMatching(new RegExp(`^The build cache entry ${key} restored nothing into `)),
    ]);
  }, 180_000);

  test('a pull request run restores but does not write the cache', async () => {
    const store = join(work, 'store-c');
    const pr = {
      number: 5,
      pull_request: { number: 5, head: { sha: 'a'.repeat(40), ref: 'f' }, base: { ref: 'main' } },
      repository: DEFAULT_BRANCH.repository,
    };
    const run = await runJob({
      name: 'c1',
      workspace: moduleWorkspace('c1', 'v1.0.0'),
      with: { backend: 'local', 'local-dir': store },
      event: { name: 'pull_request', payload: pr },
    });
    expect(run.hit).toBe('none');
    expect(run.job.steps['post-cache']?.log).toContain('pull request runs do not write the cache');
    expect(readdirSync(work).includes('store-c') ? readdirSync(store) : []).toEqual([]);
  });
});

describe('go-cache on modules without dependencies, and module subdirectories', () => {
  /** example.com/tiny: no requirements, so no go.sum; a main package in cmd/server. */
  function tinyWorkspace(): string {
    const dir = join(work, 'checkout', 'workspace');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'cmd', 'server'), { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.com/tiny\n\ngo 1.22\n');
    writeFileSync(
      join(dir, 'cmd', 'server', 'main.go'),
      'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tiny") }\n',
    );
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() { println("root") }\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    commitAll(dir, 'tiny', '2024-05-01T12:00:00Z');
    return dir;
  }

  test('a module with no go.sum reports exact on a re-run of the same commit (an empty module cache is no miss)', async () => {
    const store = join(work, 'store-tiny');
    const opts = { backend: 'local', 'local-dir': store };
    const first = await runJob({ name: 't1', workspace: tinyWorkspace(), with: opts });
    expect(first.hit).toBe('none');
    expect(phase(first.job, 'restore')?.attrs['modules-hit']).toBe('no dependencies');
    const second = await runJob({ name: 't2', workspace: tinyWorkspace(), with: opts });
    expect(second.hit).toBe('exact');
    expect(second.compiled).toBe(0);
    expect(phase(second.job, 'save')?.attrs).toMatchObject({ 'build-saved': false });
  });

  test('working-directory in a module (go.mod above it) stays in module mode; nothing is moved', async () => {
    const workspace = tinyWorkspace();
    const gopath = join(work, 'tiny-gopath');
    const job = await Job.create({
      workspace,
      event: { name: 'push', payload: DEFAULT_BRANCH },
      env: { ...goEnv('tiny-sub'), GOPATH: gopath },
    });
    try {
      const step = await job.uses(ACTION, {
        id: 'cache',
        with: {
          backend: 'local',
          'local-dir': join(work, 'store-sub'),
          'working-directory': 'cmd/server',
        },
      });
      expect(step.errors).toEqual([]);
      expect(step.outputs.path).toBe(join(workspace, 'cmd', 'server'));
      expect(step.env.GO111MODULE).toBeUndefined();
      expect(existsSync(gopath)).toBe(false);
      expect(lstatSync(join(workspace, 'go.mod')).isFile()).toBe(true);
      const build = await job.run('go run .', { workingDirectory: 'cmd/server' });
      expect(build.log).toContain('tiny');
      await job.runPosts();
    } finally {
      await job.cleanup();
    }
  });
});

describe('go-cache GOPATH layout', () => {
  test('a GOPATH-mode repo builds after the layout step and not before', async () => {
    const workspace = join(work, 'legacy', 'workspace');
    mkdirSync(join(workspace, 'greet'), { recursive: true });
    writeFileSync(
      join(workspace, 'main.go'),
      'package main\n\nimport "github.com/acme/legacy/greet"\n\nfunc main() { println(greet.Hello()) }\n',
    );
    writeFileSync(
      join(workspace, 'greet', 'greet.go'),
      'package greet\n\nfunc Hello() string { return "hello from GOPATH" }\n',
    );
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace });
    commitAll(workspace, 'legacy', '2024-05-01T12:00:00Z');
    const gopath = join(work, 'legacy', 'go');
    const job = await Job.create({
      workspace,
      event: {
        name: 'push',
        payload: {
          ...DEFAULT_BRANCH,
          repository: { default_branch: 'main', full_name: 'acme/legacy' },
        },
      },
      env: { ...goEnv('legacy-home'), GOPATH: gopath, GOFLAGS: '' },
    });
    const TRY =
      'if go build -o "$RUNNER_TEMP/legacy" . 2> "$RUNNER_TEMP/err"; then r=built; else r=failed; fi\n' +
      'echo "result=$r" >> "$GITHUB_OUTPUT"; cat "$RUNNER_TEMP/err"\n';
    const before = await job.run(TRY, { env: { GO111MODULE: 'off' } });
    expect(before.outputs.result).toBe('failed');
    expect(before.log).toContain('cannot find package');

    const step = await job.uses(ACTION, {
      id: 'cache',
      with: { backend: 'local', 'local-dir': join(work, 'store-legacy') },
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs.path).toBe(join(gopath, 'src', 'github.com', 'acme', 'legacy'));
    expect(step.env).toMatchObject({ GOPATH: gopath, GO111MODULE: 'off' });
    const after = await job.run(TRY + '"$RUNNER_TEMP/legacy"\n', {
      workingDirectory: step.outputs.path,
    });
    expect(after.outputs.result).toBe('built');
    expect(after.log).toContain('hello from GOPATH');
    // the workspace still shows the checkout, through links to its new place
    expect(lstatSync(join(workspace, 'main.go')).isSymbolicLink()).toBe(true);
    // a second layout (a re-run on the same runner) is a no-op
    const again = await job.uses(ACTION, {
      id: 'again',
      with: { backend: 'local', 'local-dir': join(work, 'store-legacy') },
    });
    expect(again.errors).toEqual([]);
    expect(again.outputs.path).toBe(step.outputs.path);
    await job.runPosts();
  });
});

describe('go-cache with the github backend (the Actions cache service protocol, served locally)', () => {
  let svc: CacheService;
  beforeAll(async () => {
    svc = await startCacheService();
  });
  afterAll(async () => {
    await svc?.close();
  });

  test('@actions/cache saves and restores through the service', async () => {
    svc.fault = 'none';
    const first = await runJob({
      name: 'g1',
      workspace: moduleWorkspace('g1', 'v1.0.0'),
      with: {},
      env: svc.env,
    });
    expect(first.hit).toBe('none');
    expect(svc.entries.filter((e) => e.finalized).map((e) => e.key.split('-')[2])).toEqual([
      'build',
      'mod',
    ]);
    const second = await runJob({
      name: 'g2',
      workspace: moduleWorkspace('g2', 'v1.0.0'),
      with: {},
      env: { ...svc.env, GOPROXY: 'off' },
    });
    expect(second.hit).toBe('exact');
    expect(second.compiled).toBe(0);
    expect(svc.requests).toContain('PUT /devstoreaccount1/actions-cache/0');
    // a second run of one commit compiled nothing: Go's few hundred bytes of bookkeeping (if
    // any) are not worth uploading the whole cache again, so nothing is saved
    const save = phase(second.job, 'save')?.attrs;
    expect(save).toMatchObject({ 'build-saved': false, 'modules-saved': false });
    expect(save?.['new-bytes']).toBeLessThan(MIN_NEW_BYTES);
    expect(svc.entries.filter((e) => e.finalized)).toHaveLength(2);
  });

  test('restores into a GOCACHE elsewhere (another parent, another depth): the next build compiles nothing', async () => {
    svc.fault = 'none';
    const workspace = moduleWorkspace('gm1', 'v1.0.0');
    const opts = { 'key-prefix': 'moved' };
    const first = await runJob({ name: 'gm1', workspace, with: opts, env: svc.env });
    expect(first.compiled).toBeGreaterThan(0);
    // another pod of an autoscaled fleet: its home, RUNNER_TEMP and GOCACHE are elsewhere
    const gocache = join(work, 'pod-9', 'home', 'runner', '.cache', 'go-build');
    const env = { ...svc.env, GOCACHE: gocache };
    const second = await runJob({ name: 'gm2', workspace, with: opts, env });
    expect(second.hit).toBe('exact');
    expect(second.compiled).toBe(0);
    expect(readdirSync(gocache).length).toBeGreaterThan(16);
  }, 180_000);

  test.each(['5xx', 'hang'] as const)(
    'a cache service that answers %s only warns; the job goes on',
    async (fault) => {
      svc.fault = fault;
      const run = await runJob({
        name: `f-${fault}`,
        workspace: moduleWorkspace(`f-${fault}`, 'v1.0.0'),
        with: { timeout: '2', save: 'always' },
        env: svc.env,
      });
      expect(run.hit).toBe('none');
      expect(run.compiled).toBeGreaterThan(0);
      expect(run.job.steps.cache?.warnings.join('\n')).toContain(
        'Could not restore the build cache',
      );
      const post = run.job.steps['post-cache'];
      expect(post?.outcome).toBe('success');
      expect(post?.warnings.join('\n')).toContain('Could not save the build cache');
      expect(run.job.status).toBe('success');
    },
    60_000,
  );

  test('without the cache service (no ACTIONS_RESULTS_URL) it warns and builds cold', async () => {
    const run = await runJob({
      name: 'nosvc',
      workspace: moduleWorkspace('nosvc', 'v1.0.0'),
      with: {},
    });
    expect(run.hit).toBe('none');
    expect(run.job.steps.cache?.warnings.join('\n')).toContain('cache service is not available');
  });
});
