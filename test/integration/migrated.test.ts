/**
 * The three real workflows docs/migrating.md moves to gantry (examples/workflows/migrated/):
 * each one's gantry step run as its workflow gives it — `${{ }}` evaluated for its event — on a
 * stand-in of the project (a Go module with the packages it names) and a local registry in place
 * of Docker Hub and GHCR, with the stand-in scanners and the local cache backend.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ImageIndex } from '../../src/oci/manifest.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { interpolate } from '../harness/expressions.js';
import { REPO_ROOT, fixture } from '../harness/paths.js';
import { Job, type JobOptions } from '../harness/runner.js';
import { imageTags, startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { skopeoInspectRaw } from './support/skopeo.js';
import { standInBin } from './support/stand-in-bin.js';
import { commitAll } from './support/workspace.js';

let registry: RunningRegistry;
let work: string;
let bin: string;
let client: RegistryClient;

beforeAll(async () => {
  requireGo();
  registry = await startRegistry();
  client = new RegistryClient(registry.host);
  work = mkdtempSync(join(tmpdir(), 'migrated-it-'));
  bin = standInBin(join(work, 'bin'), ['hadolint', 'trivy']);
});

afterAll(async () => {
  client?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A Go module `module` with a main package at each of `mains` (and files), committed. */
function project(module: string, mains: string[], files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(work, 'project-'));
  writeFileSync(join(dir, 'go.mod'), `module ${module}\n\ngo 1.22\n`);
  for (const m of mains) {
    mkdirSync(join(dir, m), { recursive: true });
    writeFileSync(
      join(dir, m, 'main.go'),
      `package main\n\nimport "fmt"\n\nvar Version = "dev"\n\nfunc main() { fmt.Println("${m}", Version) }\n`,
    );
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  commitAll(dir, 'project', '2024-05-01T12:00:00Z');
  return dir;
}

/**
 * Runs the workflow's gantry step with its `with:` evaluated for the job's event; every image
 * name moves to the local registry (docker.io's x → <registry>/x, ghcr.io/x → <registry>/ghcr/x) and the logins go
 * (the local registry takes none).
 */
async function runMigrated(file: string, workspace: string, event: JobOptions['event']) {
  const wf = parse(readFileSync(join(REPO_ROOT, 'examples/workflows/migrated', file), 'utf8')) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
  };
  const step = Object.values(wf.jobs)
    .flatMap((j) => j.steps)
    .find((s) => /^[\w-]+\/gantry@[0-9a-f]{40}$/.test(s.uses ?? ''))!;
  const job = await Job.create({
    workspace,
    ...(event ? { event } : {}),
    env: {
      STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.10.json'),
      STANDIN_LOG: join(work, `standins-${file}.jsonl`),
      GOCACHE: join(work, 'gocache'),
    },
  });
  job.path.unshift(bin);
  const contexts = { github: job.githubContext(), secrets: {}, matrix: {}, steps: {} };
  const inputs = Object.fromEntries(
    Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts)]),
  );
  inputs.images = inputs
    .images!.trim()
    .split('\n')
    .map((i) => `${registry.host}/${i.replace(/^ghcr\.io\//, 'ghcr/')}`)
    .join('\n');
  delete inputs.username;
  delete inputs.password;
  Object.assign(inputs, {
    'trivy-version': 'system',
    'hadolint-version': 'system',
    'cache-backend': 'local',
    'cache-dir': join(work, `cache-${file}`),
    comment: 'never',
  });
  const run = await job.uses('.', { id: 'gantry', with: inputs });
  await job.cleanup();
  return run;
}

const config = async (ref: string) =>
  JSON.parse(
    execFileSync('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${ref}`], {
      encoding: 'utf8',
    }),
  ) as {
    config: { Entrypoint: string[]; Cmd?: string[]; ExposedPorts?: object; WorkingDir: string };
  };

describe('real workflows moved to gantry, run as they are written', () => {
  it('axllent/mailpit: a release tag pushes {{raw}} and v{{major}}.{{minor}} to both registries', async () => {
    const ws = project('github.com/axllent/mailpit', ['.']);
    const run = await runMigrated('mailpit.yml', ws, {
      name: 'release',
      payload: {
        action: 'created',
        ref: 'refs/tags/v1.21.4',
        repository: { full_name: 'axllent/mailpit' },
      },
    });
    expect(run.errors).toEqual([]);
    for (const repo of ['axllent/mailpit', 'ghcr/axllent/mailpit'])
      expect((await imageTags(client, repo)).sort()).toEqual(['latest', 'v1.21', 'v1.21.4']);
    const index = JSON.parse(
      (await skopeoInspectRaw(`${registry.host}/axllent/mailpit:v1.21.4`)).toString(),
    ) as ImageIndex;
    expect(index.manifests.map((m) => m.platform!.architecture)).toEqual(['386', 'amd64', 'arm64']);
    expect((await config(`${registry.host}/axllent/mailpit:v1.21.4`)).config.ExposedPorts).toEqual({
      '1025/tcp': {},
      '8025/tcp': {},
    });
  }, 300_000);

  it('miniflux/v2: the nightly schedule tags nightly-distroless; the program is /usr/bin/miniflux', async () => {
    const ws = project('miniflux.app/v2', ['.']);
    const run = await runMigrated('miniflux.yml', ws, {
      name: 'schedule',
      payload: { schedule: '0 1 * * *', repository: { full_name: 'miniflux/v2' } },
    });
    expect(run.errors).toEqual([]);
    for (const repo of ['miniflux/miniflux', 'ghcr/miniflux/miniflux'])
      expect(await imageTags(client, repo)).toEqual(['nightly-distroless']);
    const c = await config(`${registry.host}/miniflux/miniflux:nightly-distroless`);
    expect([c.config.Entrypoint, c.config.ExposedPorts]).toEqual([
      ['/usr/bin/miniflux'],
      { '8080/tcp': {} },
    ]);
  }, 300_000);

  it('dexidp/dex: two programs, the web templates, Cmd and the attestations in the index, tagged per branch', async () => {
    const ws = project('github.com/dexidp/dex', ['cmd/dex', 'cmd/docker-entrypoint'], {
      'web/templates/login.html': '<h1>dex</h1>\n',
    });
    const run = await runMigrated('dex.yml', ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/master',
        repository: { full_name: 'dexidp/dex', default_branch: 'master' },
      },
    });
    expect(run.errors).toEqual([]);
    expect((await imageTags(client, 'dexidp/dex')).sort()).toEqual([
      'latest-distroless',
      'master-distroless',
    ]);
    const ref = `${registry.host}/dexidp/dex:master-distroless`;
    const c = await config(ref);
    expect([c.config.Entrypoint, c.config.Cmd, c.config.WorkingDir]).toEqual([
      ['/usr/local/bin/docker-entrypoint'],
      ['dex', 'serve', '/etc/dex/config.docker.yaml'],
      '/srv/dex',
    ]);
    const index = JSON.parse((await skopeoInspectRaw(ref)).toString()) as ImageIndex;
    expect(index.manifests.filter((m) => m.platform!.os === 'unknown')).toHaveLength(5);
    expect(run.outputs.sarif).toBeTruthy();
  }, 600_000);
});
