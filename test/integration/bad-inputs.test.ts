/**
 * The bad-input table: every action, run as the runner runs it, given inputs a user could get
 * wrong (or an attacker could choose). Each row must end the step with exactly one `::error` line
 * that names the input and says what it accepts — no stack trace, no other workflow command, no
 * output — with nothing pushed to the registry and nothing written outside the workspace and
 * RUNNER_TEMP (an outside directory, the checkout, HOME, the tool cache are compared before and
 * after).
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../harness/paths.js';
import { Job } from '../harness/runner.js';
import { startRegistry, storedFiles, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { helloGoWorkspace } from './support/workspace.js';

let registry: RunningRegistry;
let workspace: string;
let outside: string;
let goBuildCache: string;
let before: { workspace: string[]; outside: string[] };

const SECRET_LINE = 'gantry-file-content-never-echoed';
const SECRET_VALUE = 'gantry-secret-value-0123456789';
const ZERO_DIGEST = `sha256:${'0'.repeat(64)}`;

/** Every path below dir with its type and size (mtime of files too): what a write would change. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      const rel = relative(dir, full);
      if (st.isSymbolicLink()) out.push(`${rel} link`);
      else if (st.isDirectory()) {
        if (name === '.git') continue;
        out.push(`${rel}/`);
        visit(full);
      } else out.push(`${rel} ${st.size} ${st.mtimeMs}`);
    }
  };
  visit(dir);
  return out;
}

beforeAll(async () => {
  requireGo();
  registry = await startRegistry();
  outside = mkdtempSync(join(tmpdir(), 'gantry-outside-'));
  goBuildCache = mkdtempSync(join(tmpdir(), 'gantry-gocache-'));
  writeFileSync(join(outside, 'secret'), `${SECRET_LINE}\n`);
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(outside, 'ca.pem'), 'not a certificate\n');
  workspace = helloGoWorkspace();
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\nCOPY hello-go /\n');
  mkdirSync(join(workspace, 'static'));
  writeFileSync(join(workspace, 'static', 'index.html'), '<p>hi</p>\n');
  mkdirSync(join(workspace, 'static-leak'));
  symlinkSync(join(outside, 'secret'), join(workspace, 'static-leak', 'x'));
  mkdirSync(join(workspace, 'static-climb'));
  symlinkSync('../../outside/secret', join(workspace, 'static-climb', 'x'));
  symlinkSync(outside, join(workspace, 'out-link'));
  writeFileSync(join(workspace, 'not-a-version.txt'), `${SECRET_LINE}\n`);
  mkdirSync(join(workspace, 'no-layout'));
  before = { workspace: tree(workspace), outside: tree(outside) };
});

afterAll(async () => {
  await registry?.stop();
  for (const d of [outside, goBuildCache]) if (d) rmSync(d, { recursive: true, force: true });
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

type Row = [action: string, input: string, given: Record<string, string>];

const R = 'REGISTRY';
const buildPush = (input: string, given: Record<string, string>): Row => [
  'build-push',
  input,
  { builder: 'go', images: `${R}/app`, ...given },
];
const goCache = (input: string, given: Record<string, string>): Row => [
  'go-cache',
  input,
  { backend: 'local', ...given },
];
const merge = (input: string, given: Record<string, string>): Row => [
  'merge',
  input,
  { sources: `${R}/app@${ZERO_DIGEST}`, tags: `${R}/app:v1`, ...given },
];
const scan = (input: string, given: Record<string, string>): Row => [
  'scan',
  input,
  { checks: 'never', 'db-cache': 'off', ...given },
];
const setupPack = (input: string, given: Record<string, string>): Row => [
  'setup-pack',
  input,
  { mirror: 'http://127.0.0.1:9', ...given },
];
const setupBuildkit = (input: string, given: Record<string, string>): Row => [
  'setup-buildkit',
  input,
  { mirror: 'http://127.0.0.1:9', ...given },
];
const setupQemu = (input: string, given: Record<string, string>): Row => [
  'setup-qemu',
  input,
  { qemu: 'release', mirror: 'http://127.0.0.1:9', ...given },
];
const rebuildCheck = (input: string, given: Record<string, string>): Row => [
  'rebuild-check',
  input,
  { image: `${R}/app:main`, 'go-versions': 'none', ...given },
];
const rebase = (input: string, given: Record<string, string>): Row => [
  'rebase',
  input,
  { image: `${R}/app:main`, ...given },
];
const affected = (input: string, given: Record<string, string>): Row => ['affected', input, given];
const summary = (input: string, given: Record<string, string>): Row => [
  'summary',
  input,
  { comment: 'never', baseline: 'off', ...given },
];

const ROWS: Row[] = [
  // build-push: platforms, paths, the image, names and values
  buildPush('platforms', { platforms: ',,' }),
  buildPush('platforms', { platforms: ' , \n , ' }),
  buildPush('platforms', { platforms: 'linux/foo' }),
  buildPush('platforms', { platforms: 'linux/amd64,linux/amd64' }),
  buildPush('platforms', { platforms: 'linux/amd64\n::set-output name=digest::evil' }),
  buildPush('context', { context: '..' }),
  buildPush('context', { context: '/etc' }),
  buildPush('context', { context: 'missing-dir' }),
  buildPush('context', { context: 'go.mod' }),
  buildPush('context', { context: 'out-link' }),
  buildPush('file', { builder: 'buildkit', file: '../Dockerfile' }),
  buildPush('file', { builder: 'buildkit', file: '/etc/passwd' }),
  buildPush('file', { builder: 'buildkit', file: 'out-link/Dockerfile' }),
  buildPush('file', { builder: 'buildkit', file: 'static' }),
  buildPush('static-dir', { platforms: 'linux/amd64', 'static-dir': 'static-leak' }),
  buildPush('static-dir', { platforms: 'linux/amd64', 'static-dir': 'static-climb' }),
  buildPush('static-dir', { 'static-dir': '../outside' }),
  buildPush('static-dir', { 'static-dir': '/tmp' }),
  buildPush('static-dir', { 'static-dir': 'out-link' }),
  buildPush('static-path', { 'static-dir': 'static', 'static-path': '../../etc/evil' }),
  buildPush('static-path', { 'static-dir': 'static', 'static-path': 'srv/www' }),
  buildPush('static-path', { 'static-dir': 'static', 'static-path': '/srv/../etc' }),
  buildPush('static-path', { 'static-dir': 'static', 'static-path': '/' }),
  buildPush('binary', { binary: 'usr/bin/app' }),
  buildPush('binary', { binary: '/usr/../etc/passwd' }),
  buildPush('workdir', { workdir: 'srv' }),
  buildPush('expose', { expose: 'http' }),
  buildPush('expose', { expose: '70000' }),
  buildPush('binary', { builder: 'buildkit', binary: '/usr/bin/app' }),
  buildPush('main', { main: '.=/usr/bin/app' }),
  buildPush('main', { main: '.\n./cmd=usr/bin/probe' }),
  buildPush('oci-layout', { 'oci-layout': '../escape' }),
  buildPush('oci-layout', { 'oci-layout': '/etc/gantry-layout' }),
  buildPush('oci-layout', { 'oci-layout': 'out-link/layout' }),
  buildPush('user', { user: 'root;rm -rf /' }),
  buildPush('user', { user: '1000:' }),
  buildPush('user', { user: '$(id -u)' }),
  buildPush('images', { images: `${R}/app:tag` }),
  buildPush('images', { images: 'Upper/Case' }),
  buildPush('tags', { tags: 'v1\n::set-output name=digest::sha256:evil' }),
  buildPush('tags', { tags: 'v1 $(whoami)' }),
  buildPush('tags', { images: '', tags: 'v1', push: 'true' }),
  buildPush('tags', { tags: `${R}/app@${ZERO_DIGEST}` }),
  buildPush('push', { push: 'yes' }),
  buildPush('sbom', { sbom: 'syft' }),
  buildPush('sbom', { sbom: 'spdx', builder: 'pack', images: `${R}/app` }),
  buildPush('provenance', { provenance: 'maximal' }),
  buildPush('compression', { compression: 'brotli' }),
  buildPush('compression', { compression: 'zstd', builder: 'pack', images: `${R}/app` }),
  buildPush('registry-retry-budget', { 'registry-retry-budget': '0' }),
  buildPush('registry-retry-budget', { 'registry-retry-budget': '2m' }),
  merge('registry-retry-budget', { 'registry-retry-budget': '3601' }),
  rebase('registry-retry-budget', { 'registry-retry-budget': 'forever' }),
  buildPush('compression-level', { 'compression-level': '0' }),
  buildPush('compression-level', { compression: 'zstd', 'compression-level': '20' }),
  buildPush('compression-level', { 'compression-level': 'fast' }),
  buildPush('provenance', { provenance: 'true', builder: 'pack', images: `${R}/app` }),
  buildPush('tags', { tags: 'type=semverish,pattern={{version}}' }),
  buildPush('tags', { tags: 'type=ref' }),
  buildPush('flavor', { flavor: 'latest=sometimes' }),
  buildPush('push-by-digest', { 'push-by-digest': 'maybe' }),
  buildPush('push-by-digest', { images: '', 'push-by-digest': 'true' }),
  buildPush('push-by-digest', { builder: 'pack', 'push-by-digest': 'true' }),
  buildPush('builder', { builder: 'docker' }),
  buildPush('labels', { labels: 'no-equals-sign' }),
  buildPush('env', { env: 'NOEQUALS' }),
  buildPush('secrets', { builder: 'buildkit', secrets: SECRET_VALUE }),
  buildPush('secret-envs', { builder: 'buildkit', 'secret-envs': 'token=GANTRY_UNSET_VARIABLE' }),
  buildPush('cache-from', { builder: 'buildkit', 'cache-from': 'type=floppy' }),
  buildPush('cache-from', { builder: 'buildkit', 'cache-from': 'type=local,src=/etc' }),
  buildPush('cache-to', { builder: 'buildkit', 'cache-to': 'type=local,dest=../outside-cache' }),
  buildPush('cache-to', { builder: 'buildkit', 'cache-to': 'type=local,dest=out-link/cache' }),
  buildPush('trust-builder', { builder: 'pack', 'trust-builder': 'maybe' }),
  buildPush('main', { main: '../outside' }),
  buildPush('main', { main: '/usr/lib/go' }),
  // go-cache
  goCache('working-directory', { 'working-directory': '..' }),
  goCache('working-directory', { 'working-directory': 'missing-dir' }),
  goCache('working-directory', { 'working-directory': '/etc' }),
  goCache('working-directory', { 'working-directory': 'out-link' }),
  goCache('working-directory', { 'working-directory': 'go.mod' }),
  goCache('gopath-mode', { 'gopath-mode': 'sometimes' }),
  goCache('import-path', { 'gopath-mode': 'true', 'import-path': '../evil' }),
  goCache('import-path', { 'gopath-mode': 'true', 'import-path': 'github.com/a/../b' }),
  goCache('backend', { backend: 's3' }),
  goCache('local-max-size', { 'local-max-size': 'lots' }),
  goCache('save', { save: 'sometimes' }),
  goCache('key-prefix', { 'key-prefix': 'a b' }),
  goCache('key-prefix', { 'key-prefix': '$(id)' }),
  goCache('timeout', { timeout: '0' }),
  goCache('timeout', { timeout: 'soon' }),
  goCache('gopath', { gopath: '../../gopath' }),
  goCache('local-dir', { 'local-dir': '../cache' }),
  // merge
  merge('sources', { sources: '' }),
  merge('sources', { sources: ',,' }),
  merge('sources', { sources: `${R}/app:latest` }),
  merge('sources', { sources: `${R}/app@sha256:abc` }),
  merge('sources', {}),
  merge('tags', { tags: 'v1' }),
  merge('tags', { tags: `${R}/app` }),
  merge('tags', { tags: `${R}/app:v1 $(id)` }),
  merge('annotations', { annotations: 'no-equals-sign' }),
  // scan
  scan('severity', { dockerfile: 'Dockerfile', severity: 'urgent' }),
  scan('fail-on', { dockerfile: 'Dockerfile', 'fail-on': 'sometimes' }),
  scan('dockerfile', { dockerfile: 'missing/Dockerfile' }),
  scan('dockerfile', { dockerfile: '../outside/Dockerfile' }),
  scan('dockerfile', { dockerfile: '/etc/*' }),
  scan('dockerfile', { dockerfile: '/*' }),
  scan('dockerfile', { dockerfile: '../**/Dockerfile' }),
  scan('dockerfile', { dockerfile: 'out-link/Dockerfile' }),
  scan('dockerfile', { dockerfile: '', image: '', fs: '' }),
  scan('image', { image: 'oci:../outside' }),
  scan('image', { image: 'oci:/etc' }),
  scan('image', { image: 'oci:out-link' }),
  scan('image', { image: 'oci:no-layout' }),
  scan('image', { image: 'Not A Reference' }),
  scan('sbom', { image: `${R}/app:v1`, sbom: 'attached' }),
  scan('attestations', { image: `${R}/app:v1`, sbom: 'true', attestations: 'linux/amd64' }),
  scan('attestations', {
    image: `${R}/app:v1`,
    sbom: 'true',
    attestations: '{"linux/amd64":{"sbom":"sha256:abc"}}',
  }),
  scan('image', { image: `${R}/app:v1\n::add-mask::x` }),
  scan('fs', { fs: '..' }),
  scan('fs', { fs: '/etc' }),
  scan('fs', { fs: 'out-link' }),
  scan('sarif', { dockerfile: 'Dockerfile', sarif: '../escape.sarif' }),
  scan('sarif', { dockerfile: 'Dockerfile', sarif: '/etc/gantry.sarif' }),
  scan('checks', { dockerfile: 'Dockerfile', checks: 'maybe' }),
  scan('db-cache', { dockerfile: 'Dockerfile', 'db-cache': 'sometimes' }),
  scan('trivyignore', { fs: '.', trivyignore: '../.trivyignore' }),
  // setup-pack
  setupPack('version-file', { 'version-file': '../../../../etc/passwd' }),
  setupPack('version-file', { 'version-file': 'not-a-version.txt' }),
  setupPack('version-file', { 'version-file': 'out-link/secret' }),
  setupPack('version-file', { version: '0.38.2', 'version-file': 'go.mod' }),
  setupPack('version', { version: 'latest!!' }),
  setupPack('checksum', { checksum: 'abc' }),
  setupPack('mirror', { mirror: 'ftp://example.invalid' }),
  setupPack('allow-unverified', { 'allow-unverified': 'maybe' }),
  // setup-buildkit
  setupBuildkit('endpoint', { endpoint: 'http://127.0.0.1:1234' }),
  setupBuildkit('tls-ca', { 'tls-ca': 'ca.pem' }),
  setupBuildkit('tls-ca', {
    endpoint: 'tcp://127.0.0.1:1234',
    'tls-ca': '../outside/ca.pem',
    'tls-cert': 'go.mod',
    'tls-key': 'go.mod',
  }),
  setupBuildkit('tls-cert', {
    endpoint: 'tcp://127.0.0.1:1234',
    'tls-ca': 'go.mod',
    'tls-cert': '/etc/passwd',
    'tls-key': 'go.mod',
  }),
  setupBuildkit('timeout', { timeout: '0' }),
  setupBuildkit('insecure-registries', { 'insecure-registries': 'bad host!' }),
  setupBuildkit('mirrors', { mirrors: 'http://mirror.invalid/path' }),
  // setup-qemu
  setupQemu('platforms', { platforms: ',,' }),
  setupQemu('platforms', { platforms: 'linux/sparc' }),
  setupQemu('qemu', { qemu: 'docker' }),
  setupQemu('reset', { reset: 'maybe' }),
  setupQemu('checksum', { checksum: 'xyz' }),
  // rebuild-check
  rebuildCheck('image', { image: '' }),
  rebuildCheck('image', { image: 'Not/An Image' }),
  rebuildCheck('base', { base: 'not a reference' }),
  rebuildCheck('go-versions', { 'go-versions': 'ftp://mirror.invalid/go.json' }),
  rebuildCheck('go-versions', { 'go-versions': 'http://go.dev/dl/?mode=json' }),
  // rebase
  rebase('image', { image: '' }),
  rebase('image', { image: 'app:Main Branch' }),
  rebase('base', { base: 'not a reference' }),
  rebase('sbom', { sbom: 'syft' }),
  rebase('provenance', { provenance: 'max' }),
  rebase('tags', { tags: ',,' }),
  rebase('tags', { tags: 'bad tag!' }),
  rebase('tags', { tags: `${R}/app@${ZERO_DIGEST}` }),
  rebase('password', { username: 'robot' }),
  rebase('username', { password: 's3cret-not-echoed' }),
  // affected
  affected('working-directory', { 'working-directory': '../elsewhere' }),
  affected('working-directory', { 'working-directory': 'out-link' }),
  affected('base', { base: 'main' }),
  affected('platforms', { platforms: 'linux/foo' }),
  affected('build-tags', { 'build-tags': 'a b;c' }),
  affected('services', { services: 'cmd/nothing' }),
  affected('services', { services: '. colour=red' }),
  affected('services', { services: '. name=Not_A_Name!' }),
  affected('runners', { runners: 'linux/amd64=ubuntu-24.04' }),
  affected('runners', { runners: 'ubuntu-24.04' }),
  // summary
  summary('comment', { comment: 'sometimes' }),
  summary('header', { header: 'a-->b' }),
  summary('header', { header: 'x\n::warning::injected' }),
  summary('title', { title: 'a\n::warning::injected' }),
  summary('baseline', { baseline: 'git' }),
  summary('baseline-dir', { 'baseline-dir': '../../baselines' }),
];

/** Workflow commands a failing step may print besides its one error. */
const HARMLESS = new Set(['error', 'add-mask', 'debug']);

describe('bad inputs: one error line naming the input, nothing pushed or written outside', () => {
  it('has at least 80 rows across every action', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(80);
    const actions = readdirSync(join(REPO_ROOT, 'actions')).filter((a) =>
      existsSync(join(REPO_ROOT, 'actions', a, 'action.yml')),
    );
    expect(new Set(ROWS.map((r) => r[0]))).toEqual(new Set(actions));
  });

  it.each(ROWS.map((r, i) => [i + 1, ...r] as const))(
    '#%i %s %s',
    async (_, action, input, given) => {
      const job = await Job.create({ workspace });
      const home = join(job.root, 'home');
      try {
        const inputs = Object.fromEntries(
          Object.entries(given).map(([k, v]) => [k, v.replaceAll(R, registry.host)]),
        );
        const run = await job.uses(`actions/${action}`, {
          with: inputs,
          env: { HOME: home, XDG_CACHE_HOME: join(home, '.cache'), GOCACHE: goBuildCache },
        });
        expect(run.exitCode).not.toBe(0);
        expect(run.errors).toHaveLength(1);
        const error = run.errors[0]!;
        expect(error).toMatch(new RegExp(`^Input "${input}": `));
        expect(error).toContain('accepted: ');
        expect(run.log).not.toMatch(/^\s+at /m);
        expect(run.commands.filter((c) => !HARMLESS.has(c.command))).toEqual([]);
        expect(run.outputs).toEqual({});
        // what files and secrets hold is never echoed
        expect(run.log).not.toContain(SECRET_LINE);
        expect(run.log).not.toContain(SECRET_VALUE);
        expect(run.log).not.toMatch(/root:x?:0:0/);
        // nothing pushed, nothing written outside the workspace and RUNNER_TEMP
        expect(storedFiles(registry)).toEqual([]);
        expect(tree(outside)).toEqual(before.outside);
        expect(tree(workspace)).toEqual(before.workspace);
        // Go keeps its telemetry counters in HOME whoever runs it: that is Go's, not a write of ours
        const goOwn = (p: string) => p === '.config/' || p.startsWith('.config/go/');
        expect(tree(home).filter((p) => !goOwn(p))).toEqual([]);
        expect(tree(job.toolCache)).toEqual([]);
        expect(existsSync('/etc/gantry-layout') || existsSync('/etc/gantry.sarif')).toBe(false);
      } finally {
        await job.cleanup();
      }
    },
  );
});
