/**
 * The scan action. hadolint and trivy cannot be had on the test machine: their exec path runs
 * STAND-INS (support/standins/{hadolint,trivy}.mjs) that replay recorded real outputs from
 * test/fixtures/upstream. The Checks API is a local server spoken to through Octokit; the Actions cache
 * (for the trivy DB) a local server spoken to through @actions/cache.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { buildIndex } from '../../src/oci/index.js';
import { OciLayout } from '../../src/oci/layout.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { LayoutTarget, RegistryTarget } from '../../src/publish/target.js';
import { releasePlatform } from '../../src/tools/pinned.js';
import { SPECS } from '../../src/tools/spec.js';
import { fixture, REPO_ROOT } from '../harness/paths.js';
import { Job, type EventSpec } from '../harness/runner.js';
import { startCacheService, type CacheService } from './support/cache-service.js';
import { startGitHubApi, type GitHubApi } from './support/github-api.js';
import { startServer, type TestServer } from './support/http.js';
import { makeImage } from './support/image.js';
import { standInBin } from './support/stand-in-bin.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';

/** ajv for the JSON Schema draft 04 the SARIF 2.1.0 schema is written in (a CommonJS module). */
const Ajv = createRequire(import.meta.url)('ajv-draft-04') as new (opts: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const ACTION = 'actions/scan';
const PR_EVENT = 'event-pull_request.synchronize.json';
const pr = JSON.parse(readFileSync(fixture('github', PR_EVENT), 'utf8')) as {
  pull_request: { head: { sha: string } };
};

let work: string;
let bin: string;
let api: GitHubApi;
let layout: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'scan-it-'));
  bin = standInBin(join(work, 'bin'), ['hadolint', 'trivy']);
  api = await startGitHubApi();
  // an image in an OCI layout, as build-push writes one without a registry
  layout = join(work, 'layout');
  const image = makeImage(join(work, 'img'), { os: 'linux', architecture: 'amd64' }, [
    { hello: 'x' },
  ]);
  const oci = new OciLayout(layout);
  await oci.init();
  await publish(new LayoutTarget(oci), [image], image.manifest, ['latest']);
}, 30_000);
afterAll(async () => {
  await api?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  api.readOnly = false;
  api.checkRuns = [];
});

/**
 * A workspace with the website-example Dockerfile in each of `dirs`, the scanned go.mod, and the
 * image's OCI layout in `layout/` (scan reads layouts inside the workspace or RUNNER_TEMP only).
 */
function workspace(dirs: string[]): string {
  const ws = mkdtempSync(join(work, 'ws-'));
  cpSync(layout, join(ws, 'layout'), { recursive: true });
  for (const d of dirs) {
    mkdirSync(join(ws, d), { recursive: true });
    cpSync(fixture('hadolint', 'website-example.Dockerfile'), join(ws, d, 'Dockerfile'));
  }
  cpSync(fixture('trivy', 'fs-gomod.go.mod'), join(ws, 'go.mod'));
  return ws;
}

async function scan(
  ws: string,
  inputs: Record<string, string>,
  opts: { env?: Record<string, string>; path?: boolean; event?: EventSpec } = {},
) {
  const job = await Job.create({
    workspace: ws,
    event: opts.event ?? { name: 'pull_request', payload: PR_EVENT },
    apiUrl: api.url,
    env: {
      STANDIN_HADOLINT_JSON: fixture('hadolint', 'website-example.json'),
      STANDIN_TRIVY_FS: fixture('trivy', 'fs-gomod.json'),
      STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.10.json'),
      STANDIN_LOG: join(ws, '..', `standin-${Date.now()}.jsonl`),
      ...(opts.env ?? {}),
    },
  });
  if (opts.path !== false) job.path.unshift(bin);
  const run = await job.uses(ACTION, {
    with: { 'hadolint-version': 'system', 'trivy-version': 'system', ...inputs },
  });
  await job.cleanup();
  return run;
}

const annotations = (log: string, kind: string) =>
  log.split('\n').filter((l) => l.startsWith(`::${kind} `));

describe('scan: annotations, check run, summary', () => {
  test('37 findings: at most GitHub’s limit as annotations, all 37 on the check run, the rest in the summary', async () => {
    const run = await scan(workspace(['a', 'b', 'c', 'd']), {
      dockerfile: '**/Dockerfile',
      fs: '.',
      'fail-on': 'none',
    });
    expect(run.outcome).toBe('success');
    expect(JSON.parse(run.outputs.findings!)).toEqual({
      total: 37,
      error: 4,
      warning: 20,
      medium: 1,
      info: 8,
      unknown: 4,
    });
    const errors = annotations(run.stdout, 'error');
    const warnings = annotations(run.stdout, 'warning');
    const notices = annotations(run.stdout, 'notice');
    expect([errors.length, warnings.length, notices.length]).toEqual([4, 10, 10]);
    // hadolint's own levels on the right file and line: DL3011 is an error on line 8
    expect(errors[0]).toBe(
      '::error title=hadolint DL3011 (error),file=a/Dockerfile,line=8::Valid UNIX ports range from 0 to 65535',
    );
    expect(api.checkRuns).toHaveLength(1);
    expect(api.checkRuns[0]).toMatchObject({
      name: 'gantry scan',
      head_sha: pr.pull_request.head.sha,
      conclusion: 'neutral',
      batches: [37],
    });
    expect(api.checkRuns[0]!.annotations).toHaveLength(37);
    // the go.mod finding lands on the module's require line (go.mod line 6 of the scanned module)
    expect(
      api.checkRuns[0]!.annotations.find((a) =>
        a.message.startsWith('github.com/open-policy-agent/opa'),
      ),
    ).toMatchObject({
      path: 'go.mod',
      start_line: 6,
      annotation_level: 'warning',
    });
    expect(run.summary).toContain("13 findings beyond GitHub's annotation limits");
    expect(
      run.summary.split('\n').filter((l) => /^\| (warning|info|unknown|medium|error) \|/.test(l)),
    ).toHaveLength(13);
  });

  test('past 50 findings the check run gets them in batches of 50', async () => {
    const run = await scan(workspace(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']), {
      dockerfile: '**/Dockerfile',
      fs: '.',
      'fail-on': 'none',
    });
    expect(run.outcome).toBe('success');
    expect(api.checkRuns[0]?.batches).toEqual([50, 19]);
    expect(api.checkRuns[0]?.annotations).toHaveLength(69);
  });

  test('a read-only token (fork PR) warns and falls back to annotations and the summary', async () => {
    api.readOnly = true;
    const run = await scan(workspace(['a']), { dockerfile: 'a/Dockerfile', 'fail-on': 'none' });
    expect(run.outcome).toBe('success');
    expect(run.warnings.join('\n')).toContain('No check run: the token may not write checks here');
    expect(annotations(run.stdout, 'error')).toHaveLength(1);
    expect(run.summary).toContain('8 findings');
  });
});

describe('scan: report and gate', () => {
  test('fail-on: critical fails only on a critical finding, while severity: low reports all', async () => {
    const ws = workspace([]);
    const medium = await scan(ws, {
      image: 'oci:layout',
      severity: 'low',
      'fail-on': 'critical',
    });
    expect(medium.outcome).toBe('success');
    expect(medium.outputs.failed).toBe('false');
    expect(JSON.parse(medium.outputs.findings!)).toEqual({ total: 4, medium: 4 });
    const critical = await scan(
      ws,
      { image: 'oci:layout', severity: 'low', 'fail-on': 'critical' },
      {
        env: { STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.9.json') },
      },
    );
    expect(critical.outcome).toBe('failure');
    expect(critical.outputs.failed).toBe('true');
    expect(critical.errors.at(-1)).toBe('2 findings at or above fail-on: critical (2 critical)');
    const highOnly = await scan(
      ws,
      { image: 'oci:layout', severity: 'critical', 'fail-on': 'none' },
      {
        env: { STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.9.json') },
      },
    );
    expect(JSON.parse(highOnly.outputs.findings!)).toEqual({ total: 2, critical: 2 });
  });

  test('the SARIF log validates against the SARIF 2.1.0 schema, a run per tool', async () => {
    const run = await scan(workspace(['a']), {
      dockerfile: 'a/Dockerfile',
      fs: '.',
      'fail-on': 'none',
      sarif: 'reports/scan.sarif',
    });
    const sarif = JSON.parse(readFileSync(run.outputs.sarif!, 'utf8')) as {
      runs: { tool: { driver: { name: string } }; results: unknown[] }[];
    };
    const schema = JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate({ version: '2.0.0', runs: [{}] })).toBe(false); // the validator does reject
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    expect(sarif.runs.map((r) => [r.tool.driver.name, r.results.length])).toEqual([
      ['hadolint', 8],
      ['trivy', 5],
    ]);
  });
});

describe('scan: bad inputs', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test.each([
    [
      { severity: 'severe', fs: '.' },
      /^Input "severity": got "severe"; accepted: critical \| high \| error \| medium/,
    ],
    [
      { dockerfile: 'nope/**/Dockerfile' },
      /^Input "dockerfile": matches no file; got "nope\/\*\*\/Dockerfile"/,
    ],
    [{ 'fail-on': 'bad', fs: '.' }, /^Input "fail-on": got "bad"; accepted: .* \| none$/],
    [{}, /^Input "dockerfile": nothing to scan/],
  ])('%j fails with a clear message', async (inputs, message) => {
    const run = await scan(workspace(['a']), inputs);
    expect(run.outcome).toBe('failure');
    expect(run.errors).toEqual([expect.stringMatching(message)]);
  });

  test('an index in a registry is scanned once per platform, by digest', async () => {
    const images = ['amd64', 'arm64'].map((arch) =>
      makeImage(join(work, `reg-${arch}`), { os: 'linux', architecture: arch }, [{ f: arch }]),
    );
    const { blob } = buildIndex(images.map((i) => i.descriptor));
    const client = new RegistryClient(registry.host);
    try {
      await publish(new RegistryTarget(client, 'app'), images, blob, ['v1']);
    } finally {
      client.close();
    }
    const log = join(work, 'per-platform.jsonl');
    const run = await scan(
      workspace([]),
      { image: `${registry.host}/app:v1`, 'fail-on': 'none' },
      { env: { STANDIN_LOG: log } },
    );
    expect(run.outcome).toBe('success');
    const scanned = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { argv: string[] }).argv.at(-1));
    expect(scanned).toEqual(images.map((i) => `${registry.host}/app@${i.descriptor.digest}`));
    // the alpine fixture's 4 findings, once per platform target
    expect(JSON.parse(run.outputs.findings!)).toEqual({ total: 8, medium: 8 });
  });

  test('trivy gets the scanned registry’s credentials alone, in a private docker config, never TRIVY_USERNAME/PASSWORD', async () => {
    const image = makeImage(join(work, 'cred-img'), { os: 'linux', architecture: 'amd64' }, [
      { f: 'x' },
    ]);
    const client = new RegistryClient(registry.host);
    try {
      await publish(new RegistryTarget(client, 'private'), [image], image.manifest, ['v1']);
    } finally {
      client.close();
    }
    // the runner's own logins (docker/login-action): the DB's registry, and one unrelated
    const userConfig = join(work, 'user-docker');
    mkdirSync(userConfig, { recursive: true });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    writeFileSync(
      join(userConfig, 'config.json'),
      JSON.stringify({
        auths: {
          'ghcr.io': { auth: b64('octo:ghcr-login') },
          'quay.io': { auth: b64('robot:quay-secret') },
        },
      }),
    );
    const log = join(work, 'credentials.jsonl');
    const run = await scan(
      workspace([]),
      {
        image: `${registry.host}/private:v1`,
        username: 'ci-user',
        password: 'registry-secret-1',
        'fail-on': 'none',
      },
      { env: { STANDIN_LOG: log, DOCKER_CONFIG: userConfig } },
    );
    expect(run.outcome).toBe('success');
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            trivyUsername?: string;
            trivyPassword?: string;
            dockerConfig?: {
              dir: string;
              dirMode: string;
              fileMode: string;
              auths: Record<string, string>;
            };
          },
      );
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.trivyUsername).toBeUndefined();
    expect(call!.trivyPassword).toBeUndefined();
    // the image's registry with the inputs; the DB's registry with the user's own login for it;
    // nothing for a registry trivy has no business with
    expect(call!.dockerConfig).toMatchObject({
      dirMode: '700',
      fileMode: '600',
      auths: { [registry.host]: 'ci-user:registry-secret-1', 'ghcr.io': 'octo:ghcr-login' },
    });
    expect(Object.keys(call!.dockerConfig!.auths).sort()).toEqual(
      ['ghcr.io', registry.host].sort(),
    );
    expect(existsSync(call!.dockerConfig!.dir)).toBe(false);
    // masked the moment it was read, and never printed
    expect(
      run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes('secret-1')),
    ).toEqual([]);
  });

  test('the default glob finding no Dockerfile (a go-builder repository) warns; the image is still scanned', async () => {
    const run = await scan(workspace([]), {
      dockerfile: '**/Dockerfile',
      image: 'oci:layout',
      'fail-on': 'none',
    });
    expect(run.outcome).toBe('success');
    expect(run.warnings).toContain(
      'dockerfile: **/Dockerfile matches no file; no Dockerfile to lint',
    );
    expect(JSON.parse(run.outputs.findings!)).toEqual({ total: 4, medium: 4 });
  });

  test('a two-platform OCI layout is scanned per platform: trivy is handed each platform image', async () => {
    const images = ['amd64', 'arm64'].map((arch) =>
      makeImage(join(work, `lay2-${arch}`), { os: 'linux', architecture: arch }, [{ f: arch }]),
    );
    const ws = workspace([]);
    const oci = new OciLayout(join(ws, 'multi'));
    await oci.init();
    const { blob } = buildIndex(images.map((i) => i.descriptor));
    await publish(new LayoutTarget(oci), images, blob, ['main']);
    const log = join(work, 'layout-per-platform.jsonl');
    const run = await scan(
      ws,
      { image: 'oci:multi:main', 'fail-on': 'none' },
      { env: { STANDIN_LOG: log } },
    );
    expect(run.outcome).toBe('success');
    // as real trivy picks from --input (the first image of the layout), each run saw its own
    const scanned = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { scanned?: string }).scanned);
    expect(scanned).toEqual(images.map((i) => i.descriptor.digest));
    expect(JSON.parse(run.outputs.findings!)).toEqual({ total: 8, medium: 8 });
  });

  test('an image that does not exist', async () => {
    const run = await scan(workspace([]), { image: `${registry.host}/nothing:here` });
    expect(run.errors).toEqual([
      `Input "image": the registry has no such image; got "${registry.host}/nothing:here"; accepted: an image reference (registry/repository:tag or @digest) or oci:<OCI layout directory in the workspace or RUNNER_TEMP>`,
    ]);
  });
});

describe('scan: tools and the trivy DB', () => {
  let server: TestServer;
  let svc: CacheService;
  beforeAll(async () => {
    server = await startServer();
    svc = await startCacheService();
  });
  afterAll(async () => {
    await server?.close();
    await svc?.close();
  });

  test('hadolint is installed through the one installer (checksums file, tool cache)', async () => {
    const body = readFileSync(
      join(REPO_ROOT, 'test/integration/support/standins/hadolint.mjs'),
      'utf8',
    ).replace("import { record } from './registry-push.mjs';", 'const record = () => undefined;');
    const asset = SPECS.hadolint.asset('v2.16.0', releasePlatform())!;
    const sha = createHash('sha256').update(body).digest('hex');
    server.routes.set(`/hadolint/hadolint/releases/download/v2.16.0/${asset}`, { body });
    server.routes.set('/hadolint/hadolint/releases/download/v2.16.0/checksums.sha256', {
      body: `${sha}  ${asset}\n`,
    });
    const run = await scan(
      workspace(['a']),
      {
        dockerfile: 'a/Dockerfile',
        'hadolint-version': 'v2.16.0',
        mirror: server.url,
        'fail-on': 'none',
      },
      { path: false },
    );
    expect(run.outcome).toBe('success');
    expect(JSON.parse(run.outputs.findings!).total).toBe(8);
    expect(server.requests).toContain(`GET /hadolint/hadolint/releases/download/v2.16.0/${asset}`);
  });

  test('the trivy DB is cached a day at a time, saved only by the default branch’s own runs', async () => {
    const home = join(work, 'runner-home');
    const env = { ...svc.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
    const repository = { full_name: 'gantry-test/service', default_branch: 'main' };
    // the ways a pull request's code runs with a write token: none writes what main restores
    for (const event of [
      { name: 'pull_request', payload: PR_EVENT },
      { name: 'issue_comment', payload: { repository } },
      { name: 'workflow_run', payload: { repository } },
      { name: 'repository_dispatch', payload: { repository } },
    ]) {
      rmSync(home, { recursive: true, force: true });
      const run = await scan(workspace([]), { fs: '.', 'fail-on': 'none' }, { env, event });
      expect(run.errors).toEqual([]);
      expect(run.stdout).toContain(`trivy DB not saved: `);
    }
    expect(svc.entries.filter((e) => e.finalized)).toEqual([]);
    rmSync(home, { recursive: true, force: true });
    const push = { name: 'push', payload: { ref: 'refs/heads/main', repository } };
    const first = await scan(workspace([]), { fs: '.', 'fail-on': 'none' }, { env, event: push });
    expect(first.errors).toEqual([]);
    const today = `gantry-trivy-db-${new Date().toISOString().slice(0, 10)}`;
    expect(svc.entries.filter((e) => e.finalized).map((e) => e.key)).toEqual([today]);
    rmSync(home, { recursive: true, force: true }); // a fresh runner
    const log = join(work, 'second.jsonl');
    const second = await scan(
      workspace([]),
      { fs: '.', 'fail-on': 'none' },
      { env: { ...env, STANDIN_LOG: log } },
    );
    expect(second.errors).toEqual([]);
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { downloadedDb: boolean; argv: string[] });
    expect(calls.map((c) => c.downloadedDb)).toEqual([false]);
    expect(calls[0]!.argv).toEqual(
      expect.arrayContaining(['--db-repository', 'mirror.gcr.io/aquasec/trivy-db:2']),
    );
    expect(svc.entries.filter((e) => e.finalized)).toHaveLength(1);
  });
});
