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
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releasePlatform } from '../../src/tools/pinned.js';
import { Job } from '../harness/runner.js';
import { startServer, type TestServer } from './support/http.js';

const ACTION = 'actions/setup-buildkit';
const TAG = 'v0.33.5';

// STAND-INS: BuildKit's binaries cannot be had on this machine. These only do what the action
// relies on: buildkitd listens on --addr and records the --config it got; buildctl answers
// `debug workers` when the socket accepts. They say nothing about real BuildKit behaviour.
const BUILDKITD_STANDIN = `#!/usr/bin/env node
// gantry test stand-in for buildkitd: not the real daemon
const net = require('net'), fs = require('fs');
const arg = (n) => process.argv[process.argv.indexOf(n) + 1];
if (process.env.STANDIN_BUILDKITD_FAIL) { console.error('buildkitd: stand-in asked to fail at start'); process.exit(1); }
const sock = arg('--addr').replace('unix://', '');
fs.copyFileSync(arg('--config'), sock + '.config-seen');
const server = net.createServer((s) => s.end()).listen(sock, () => console.log('stand-in buildkitd running'));
process.on('SIGTERM', () => { console.log('stand-in buildkitd stopping'); server.close(); process.exit(0); });
`;
const BUILDCTL_STANDIN = `#!/usr/bin/env node
// gantry test stand-in for buildctl: not the real client
const net = require('net');
const addr = process.argv[process.argv.indexOf('--addr') + 1];
if (!process.argv.includes('debug') || !addr.startsWith('unix://')) { console.error('stand-in buildctl: only debug workers on unix://'); process.exit(2); }
const c = net.connect(addr.slice(7));
c.on('connect', () => { console.log(JSON.stringify([{ id: 'standin', platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }] }])); process.exit(0); });
c.on('error', (e) => { console.error('connection error: ' + e.message); process.exit(1); });
`;

let work: string;
let server: TestServer;
let sha: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'setup-buildkit-it-'));
  const layout = join(work, 'archive');
  mkdirSync(join(layout, 'bin'), { recursive: true });
  writeFileSync(join(layout, 'bin', 'buildkitd'), BUILDKITD_STANDIN);
  writeFileSync(join(layout, 'bin', 'buildctl'), BUILDCTL_STANDIN);
  chmodSync(join(layout, 'bin', 'buildkitd'), 0o755);
  chmodSync(join(layout, 'bin', 'buildctl'), 0o755);
  const archive = join(work, 'buildkit.tgz');
  execFileSync('tar', ['czf', archive, '-C', layout, 'bin']);
  const bytes = readFileSync(archive);
  sha = createHash('sha256').update(bytes).digest('hex');
  server = await startServer();
  server.routes.set(
    `/moby/buildkit/releases/download/${TAG}/buildkit-${TAG}.${releasePlatform()}.tar.gz`,
    { body: bytes },
  );
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const base = () => ({ version: TAG, mirror: server.url, checksum: sha, token: '' });

describe('setup-buildkit', () => {
  it('starts buildkitd without Docker, waits for its workers, exports BUILDKIT_HOST; post stops it', async () => {
    const job = await Job.create();
    try {
      const run = await job.uses(ACTION, {
        id: 'bk',
        with: { ...base(), 'insecure-registries': '127.0.0.1:5000', mirrors: 'mirror.gcr.io' },
      });
      expect(run.errors).toEqual([]);
      const endpoint = run.outputs.endpoint!;
      expect(endpoint).toBe(
        `unix://${join(job.runnerTemp, 'gantry', 'buildkit', 'buildkitd.sock')}`,
      );
      expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64');
      expect(run.outputs.version).toBe(TAG);
      expect(run.env.BUILDKIT_HOST).toBe(endpoint);
      const seen = readFileSync(`${endpoint.slice(7)}.config-seen`, 'utf8');
      expect(seen).toContain('[registry."127.0.0.1:5000"]\n  http = true\n  insecure = true');
      expect(seen).toContain('mirrors = ["mirror.gcr.io"]');
      const pid = Number(JSON.parse(run.state.buildkitd!).pid);
      expect(() => process.kill(pid, 0)).not.toThrow();

      await job.runPosts();
      const post = job.steps['post-bk']!;
      expect(post.exitCode).toBe(0);
      expect(post.log).toContain('stand-in buildkitd stopping');
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await job.runPosts(); // stops the daemon even when an assertion above failed
      await job.cleanup();
    }
  });

  it('fails with the end of the daemon log when buildkitd dies at start', async () => {
    const job = await Job.create();
    try {
      const run = await job.uses(ACTION, { with: base(), env: { STANDIN_BUILDKITD_FAIL: '1' } });
      expect(run.exitCode).toBe(1);
      expect(run.errors[0]).toContain(
        'buildkitd exited before it answered; the last lines of its log:',
      );
      expect(run.errors[0]).toContain('stand-in asked to fail at start');
    } finally {
      await job.cleanup();
    }
  });

  it('with an endpoint, only installs buildctl and checks the remote builder', async () => {
    const sock = join(work, 'remote.sock');
    const remote: Server = createServer((s) => s.end()).listen(sock);
    const job = await Job.create();
    try {
      const run = await job.uses(ACTION, { with: { ...base(), endpoint: `unix://${sock}` } });
      expect(run.errors).toEqual([]);
      expect(run.outputs.endpoint).toBe(`unix://${sock}`);
      expect(run.env.BUILDKIT_HOST).toBe(`unix://${sock}`);
      expect(run.state.buildkitd).toBeUndefined();
      expect(existsSync(join(job.runnerTemp, 'gantry', 'buildkit'))).toBe(false);
    } finally {
      await job.cleanup();
      remote.close();
    }
  });

  it.each([
    [
      { endpoint: 'tcp://buildkit.example:1234' },
      /^Input "tls-ca": missing; got ""; accepted: a PEM file \(a tcp:\/\/ endpoint needs tls-ca, tls-cert and tls-key\)$/,
    ],
    [
      { endpoint: 'tcp://buildkit.example:1234', 'tls-ca': '/nonexistent/ca.pem' },
      /^Input "tls-ca": outside the workspace or RUNNER_TEMP; got "\/nonexistent\/ca\.pem"/,
    ],
    [
      { endpoint: 'tcp://buildkit.example:1234', 'tls-ca': 'certs/ca.pem' },
      /^Input "tls-ca": no such file; got "certs\/ca\.pem"; accepted: a PEM file in the workspace or RUNNER_TEMP$/,
    ],
    [
      { endpoint: 'http://buildkit.example' },
      /^Input "endpoint": got "http:\/\/buildkit\.example"; accepted: unix:\/\/\/path/,
    ],
    [
      { version: '0.x' },
      /^Input "version": got "0\.x"; accepted: a BuildKit release such as v0\.33\.1, or latest$/,
    ],
    [
      { 'insecure-registries': 'http://r:5000' },
      /^Input "insecure-registries": got "http:\/\/r:5000"/,
    ],
    [
      { mirror: 'http://mirror.example' },
      /^Input "mirror": got "http:\/\/mirror\.example"; accepted: an https:\/\/ URL/,
    ],
  ])('%j fails with one clear line', async (inputs, message) => {
    const job = await Job.create();
    try {
      const run = await job.uses(ACTION, { with: { ...base(), ...inputs } });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(message);
    } finally {
      await job.cleanup();
    }
  });
});
