import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTool, DEFAULT_MIRROR } from '../../src/tools/installer.js';
import { releasePlatform } from '../../src/tools/pinned.js';
import { SPECS } from '../../src/tools/spec.js';
import { Job, runAction } from '../harness/runner.js';
import { startServer, type TestServer } from './support/http.js';

const ACTION = 'actions/setup-pack';
const platform = releasePlatform();
let work: string;
let server: TestServer;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A STAND-IN for a release binary (the real tools cannot be fetched here): records its argv. */
function standIn(name: string): string {
  return `#!/bin/sh\n# gantry test stand-in for ${name}: not the real tool\necho "$@" >> "\${STANDIN_LOG:-/dev/null}"\n[ "$1" = "version" ] && echo "${name} stand-in"\nexit 0\n`;
}

/** A .tar.gz with the given files at its root, as the tools' release archives have them. */
function tarGz(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(work, 'archive-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
    chmodSync(join(dir, name), 0o755);
  }
  const out = join(dir, 'out.tgz');
  execFileSync('tar', ['czf', out, '-C', dir, ...Object.keys(files)]);
  return readFileSync(out);
}

function release(repo: string, tag: string, assets: Record<string, Buffer | string>): void {
  for (const [name, body] of Object.entries(assets))
    server.routes.set(`/${repo}/releases/download/${tag}/${name}`, { body });
}

const gets = (path: string) => server.requests.filter((r) => r === `GET ${path}`).length;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'installer-it-'));
  server = await startServer();
  const pack = tarGz({ pack: standIn('pack') });
  const packAsset = SPECS.pack.asset('v0.41.0', platform)!;
  // a release with its .sha256 sidecar, one without, and the pinned default serving other bytes
  release('buildpacks/pack', 'v0.41.0', {
    [packAsset]: pack,
    [`${packAsset}.sha256`]: `${sha(pack)}  ${packAsset}\n`,
  });
  release('buildpacks/pack', 'v0.42.0', { [SPECS.pack.asset('v0.42.0', platform)!]: pack });
  release('buildpacks/pack', 'v0.40.8', { [SPECS.pack.asset('v0.40.8', platform)!]: pack });
  server.routes.set('/buildpacks/pack/releases/latest', {
    status: 302,
    headers: { Location: '/buildpacks/pack/releases/tag/v0.41.0' },
  });
  server.routes.set('/repos/buildpacks/pack/releases/latest', (req, res) => {
    if (!req.headers.authorization) return void res.writeHead(401).end();
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ tag_name: 'v0.41.0' }));
  });
  const trivy = tarGz({ trivy: standIn('trivy') });
  const trivyAsset = SPECS.trivy.asset('v0.75.0', platform)!;
  release('aquasecurity/trivy', 'v0.75.0', {
    [trivyAsset]: trivy,
    'trivy_0.75.0_checksums.txt': `${'0'.repeat(64)}  trivy_0.75.0_Other.tar.gz\n${sha(trivy)}  ${trivyAsset}\n`,
  });
  const hadolint = Buffer.from(standIn('hadolint'));
  const hadolintAsset = SPECS.hadolint.asset('v2.16.0', platform)!;
  release('hadolint/hadolint', 'v2.16.0', {
    [hadolintAsset]: hadolint,
    'checksums.sha256': `${sha(hadolint)} *${hadolintAsset}\n`,
  });
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('setup-pack through the one installer', () => {
  it('installs a release verified by its .sha256, sets the default builder, and hits the tool cache the second time', async () => {
    const toolCache = join(work, 'tc-pack');
    const log = join(work, 'pack.log');
    const inputs = {
      version: '0.41.0',
      mirror: server.url,
      builder: 'paketobuildpacks/builder-jammy-tiny',
      token: '',
    };
    const first = await runAction(ACTION, { with: inputs, toolCache, env: { STANDIN_LOG: log } });
    await first.job.cleanup();
    expect(first.main.errors).toEqual([]);
    expect(first.main.outputs.version).toBe('0.41.0');
    const dir = join(toolCache, 'pack', '0.41.0', platform.replace('linux-', ''));
    expect(first.main.outputs.path).toBe(join(dir, 'pack'));
    expect(first.main.path).toEqual([dir]);
    expect(readFileSync(log, 'utf8')).toBe(
      'config default-builder paketobuildpacks/builder-jammy-tiny\n',
    );
    const asset = `/buildpacks/pack/releases/download/v0.41.0/${SPECS.pack.asset('v0.41.0', platform)}`;
    expect(gets(asset)).toBe(1);

    const second = await runAction(ACTION, { with: inputs, toolCache, env: { STANDIN_LOG: log } });
    await second.job.cleanup();
    expect(second.main.exitCode).toBe(0);
    expect(second.main.log).toContain('(tool cache)');
    expect(gets(asset)).toBe(1);
  });

  it('resolves latest through the releases redirect without a token, and through the API with one', async () => {
    const viaRedirect = await runAction(ACTION, {
      with: { version: 'latest', mirror: server.url, token: '' },
      toolCache: join(work, 'tc-latest1'),
    });
    await viaRedirect.job.cleanup();
    expect(viaRedirect.main.outputs.version).toBe('0.41.0');
    const apiCalls = () => server.requests.filter((r) => r.startsWith('GET /repos/')).length;
    expect(apiCalls()).toBe(0);
    const viaApi = await runAction(ACTION, {
      with: { version: 'latest', mirror: server.url },
      toolCache: join(work, 'tc-latest2'),
      apiUrl: server.url,
    });
    await viaApi.job.cleanup();
    expect(viaApi.main.outputs.version).toBe('0.41.0');
    expect(apiCalls()).toBe(1);
  });

  it('a default version whose download does not match its pinned sha256 fails and leaves nothing behind', async () => {
    const toolCache = join(work, 'tc-pinned');
    const { job, main } = await runAction(ACTION, {
      with: { mirror: server.url, token: '' },
      toolCache,
    });
    await job.cleanup();
    expect(main.exitCode).toBe(1);
    expect(main.errors[0]).toMatch(
      /^Checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/buildpacks\/pack\/releases\/download\/v0\.40\.8\/pack-v0\.40\.8-linux[\w-]*\.tgz: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; nothing was installed$/,
    );
    expect(existsSync(join(toolCache, 'pack'))).toBe(false);
    expect(main.path).toEqual([]);
  });

  it('refuses a release with no checksum at all unless allow-unverified is set', async () => {
    const refused = await runAction(ACTION, {
      with: { version: 'v0.42.0', mirror: server.url, token: '' },
      toolCache: join(work, 'tc-unv'),
    });
    await refused.job.cleanup();
    expect(refused.main.exitCode).toBe(1);
    expect(refused.main.errors[0]).toMatch(
      /^Input "checksum": pack v0\.42\.0 has no pinned checksum and no checksum file for linux-\w+ \(allow-unverified: true installs it anyway\)/,
    );
    const allowed = await runAction(ACTION, {
      with: { version: 'v0.42.0', mirror: server.url, token: '', 'allow-unverified': 'true' },
      toolCache: join(work, 'tc-unv2'),
    });
    await allowed.job.cleanup();
    expect(allowed.main.exitCode).toBe(0);
    expect(allowed.main.warnings).toEqual([
      'pack v0.42.0 is installed without a checksum, as asked',
    ]);
  });

  it.each([
    [
      { version: '0.x' },
      /^Input "version": got "0\.x"; accepted: a pack release such as v0\.40\.8, or latest$/,
    ],
    [
      { mirror: 'http://mirror.example' },
      /^Input "mirror": got "http:\/\/mirror\.example"; accepted: an https:\/\/ URL/,
    ],
    [
      { 'allow-unverified': 'maybe' },
      /^Input "allow-unverified": got "maybe"; accepted: true \| false$/,
    ],
  ])('%j fails with one clear line', async (inputs, message) => {
    const { job, main } = await runAction(ACTION, { with: { token: '', ...inputs } });
    await job.cleanup();
    expect(main.exitCode).toBe(1);
    expect(main.errors).toHaveLength(1);
    expect(main.errors[0]).toMatch(message);
  });

  it('reads the version from a version file', async () => {
    const job = await Job.create();
    try {
      writeFileSync(join(job.workspace, '.pack-version'), 'v0.41.0\n');
      const run = await job.uses(ACTION, {
        with: { 'version-file': '.pack-version', mirror: server.url, token: '' },
      });
      expect(run.outputs.version).toBe('0.41.0');
    } finally {
      await job.cleanup();
    }
  });
});

describe('the installer for trivy and hadolint (used by scan)', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.RUNNER_TOOL_CACHE = mkdtempSync(join(work, 'tc-'));
    process.env.RUNNER_TEMP = mkdtempSync(join(work, 'tmp-'));
    delete process.env.GITHUB_PATH;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('verifies trivy against its goreleaser checksums.txt and hadolint (a bare binary) against checksums.sha256', async () => {
    mkdirSync(process.env.RUNNER_TEMP!, { recursive: true });
    const trivy = await installTool(SPECS.trivy, { version: 'v0.75.0', mirror: server.url });
    expect(execFileSync(trivy.binaries[0]!, ['version'], { encoding: 'utf8' })).toBe(
      'trivy stand-in\n',
    );
    const attrs = {};
    const hadolint = await installTool(
      SPECS.hadolint,
      { version: 'v2.16.0', mirror: server.url },
      attrs,
    );
    expect(execFileSync(hadolint.binaries[0]!, ['version'], { encoding: 'utf8' })).toBe(
      'hadolint stand-in\n',
    );
    expect(attrs).toMatchObject({
      tool: 'hadolint',
      version: 'v2.16.0',
      cache: 'miss',
      verified: 'release-checksums',
    });
    expect(DEFAULT_MIRROR).toBe('https://github.com');
  });
});
