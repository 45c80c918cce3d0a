/**
 * A destination that cannot take the push stops the build as soon as that is known — not after
 * the compiles: build-push checks each registry (reading only) while it builds, and a registry
 * that is unreachable, refuses the credentials, or grants pull but not push ends the step with
 * one line naming it and the cause, its compiles stopped (theirs and their compilers'), nothing
 * uploaded. The module compiles a package that takes seconds, new to every build cache.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTimeline } from '../../src/runtime/timeline.js';
import { Job } from '../harness/runner.js';
import { freePort } from './support/ports.js';
import { startRegistry, storedFiles, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { startTokenRegistry } from './support/token-service.js';
import { addSlowPackage, commitAll, helloGoWorkspace } from './support/workspace.js';

const USER = { username: 'ci', password: 'the-right-s3cret' };
const READER = { username: 'reader', password: 'reader-s3cret' };

let work: string;
let basic: RunningRegistry;
let token: Awaited<ReturnType<typeof startTokenRegistry>>;
let seed = 0;

beforeAll(async () => {
  requireGo();
  work = mkdtempSync(join(tmpdir(), 'fail-fast-'));
  basic = await startRegistry({ htpasswd: USER });
  token = await startTokenRegistry(work, USER, READER);
});

afterAll(async () => {
  await basic?.stop();
  await token?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Compilers running for a workspace: the go tool's compile and link processes in it. */
function compilersFor(ws: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        return /\/(compile|link)$/.test(argv[0] ?? '') && cwd.startsWith(ws) ? [argv[0]!] : [];
      } catch {
        return [];
      }
    });
}

/** build-push of hello-go (importing a slow package) for two platforms to `images`. */
async function buildTo(images: string, login: Record<string, string> = {}) {
  const ws = helloGoWorkspace();
  addSlowPackage(ws, 'slow.go', ++seed);
  writeFileSync(
    join(ws, 'use_slow.go'),
    'package main\n\nimport "example.com/hello-go/slow"\n\nvar slowValue = slow.F1(2)\n',
  );
  commitAll(ws, 'slow', '2024-05-02T12:00:00Z');
  const job = await Job.create({ workspace: ws });
  try {
    const run = await job.uses('actions/build-push', {
      with: { platforms: 'linux/amd64,linux/arm64', images, tags: 'v1', ...login },
    });
    const phases = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl'));
    // a compiler told to stop is gone within moments; one left running goes on for seconds
    let compilers = compilersFor(ws);
    for (let i = 0; i < 20 && compilers.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      compilers = compilersFor(ws);
    }
    return { run, phases, compilers };
  } finally {
    await job.cleanup();
    rmSync(ws, { recursive: true, force: true });
  }
}

/** The step failed on its first line, the compiles of both platforms stopped, none left running. */
function expectStopped(r: Awaited<ReturnType<typeof buildTo>>, line: RegExp): void {
  expect(r.run.exitCode).toBe(1);
  expect(r.run.errors).toEqual([expect.stringMatching(line)]);
  expect(r.run.log).not.toMatch(/^\s+at /m);
  // whichever ended first: both stopped
  const builds = r.phases.filter((p) => p.phase.startsWith('build linux/'));
  expect(builds.map((p) => [p.phase, p.attrs.failed]).sort()).toEqual([
    ['build linux/amd64', true],
    ['build linux/arm64', true],
  ]);
  expect(r.phases.some((p) => p.phase === 'push')).toBe(false);
  expect(r.compilers).toEqual([]);
}

describe('a destination that cannot take the push stops the build', () => {
  it('an unreachable registry', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const r = await buildTo(`${host}/app`);
    expectStopped(
      r,
      new RegExp(
        `^${host}/app cannot take the push, so the build was stopped: GET http.*ECONNREFUSED.*registry ${host} is unreachable$`,
      ),
    );
  }, 120_000);

  it('credentials the registry refuses: nothing stored', async () => {
    const r = await buildTo(`${basic.host}/app`, { username: USER.username, password: 'wrong' });
    expectStopped(
      r,
      new RegExp(
        `^${basic.host}/app cannot take the push, so the build was stopped: HEAD .*401.*the credentials for ${basic.host} were rejected`,
      ),
    );
    expect(r.run.log).not.toContain('wrong');
    expect(storedFiles(basic, 'app')).toEqual([]);
  }, 120_000);

  it('no credentials for a registry that wants them: nothing stored', async () => {
    const r = await buildTo(`${basic.host}/app`);
    expectStopped(
      r,
      new RegExp(
        `^${basic.host}/app cannot take the push, so the build was stopped: HEAD .*401.*${basic.host} needs credentials`,
      ),
    );
    expect(storedFiles(basic, 'app')).toEqual([]);
  }, 120_000);

  it('a token that grants pull but not push: nothing stored', async () => {
    const host = token.registry.host;
    const r = await buildTo(`${host}/app`, READER);
    expectStopped(
      r,
      new RegExp(
        `^${host}/app cannot take the push, so the build was stopped: .*${host} does not let these credentials push to app \\(its token grants pull there\\)`,
      ),
    );
    expect(storedFiles(token.registry, 'app')).toEqual([]);
  }, 120_000);
});
