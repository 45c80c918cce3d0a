import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { requireProgram } from './require.js';
import type { TestCa } from './tls.js';

export interface RegistrySetup {
  tls?: TestCa;
  htpasswd?: { username: string; password: string };
  token?: { realm: string; service: string; issuer: string; rootCert: string };
}

export interface RunningRegistry {
  /** host:port, as in image references. */
  host: string;
  url: string;
  dir: string;
  log: () => string;
  stop(): Promise<void>;
}

function probe(url: string, tls: boolean): Promise<number> {
  return new Promise((resolve) => {
    const done = (status: number) => resolve(status);
    const r = tls
      ? request(url, { rejectUnauthorized: false }, (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        })
      : get(url, (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        });
    r.on('error', () => done(0));
    r.end();
  });
}

/** Debian's docker-registry (distribution 2.8) on 127.0.0.1, configured per test. */
export async function startRegistry(setup: RegistrySetup = {}): Promise<RunningRegistry> {
  const bin = requireProgram('docker-registry', 'docker-registry');
  const dir = mkdtempSync(join(tmpdir(), 'gantry-registry-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: gantry-test-secret',
  ];
  if (setup.tls)
    lines.push(
      '  tls:',
      `    certificate: ${setup.tls.serverCert}`,
      `    key: ${setup.tls.serverKey}`,
    );
  if (setup.htpasswd) {
    const htpasswd = requireProgram('htpasswd', 'apache2-utils');
    const file = join(dir, 'htpasswd');
    writeFileSync(
      file,
      execFileSync(htpasswd, ['-Bbn', setup.htpasswd.username, setup.htpasswd.password]),
    );
    lines.push('auth:', '  htpasswd:', '    realm: gantry-test', `    path: ${file}`);
  }
  if (setup.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${setup.token.realm}`,
      `    service: ${setup.token.service}`,
      `    issuer: ${setup.token.issuer}`,
      `    rootcertbundle: ${setup.token.rootCert}`,
    );
  }
  writeFileSync(join(dir, 'config.yml'), lines.join('\n') + '\n');
  let log = '';
  const child: ChildProcess = spawn(bin, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const scheme = setup.tls ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const status = await probe(`${url}/v2/`, Boolean(setup.tls));
    if (status === 200 || status === 401)
      return { host: `127.0.0.1:${port}`, url, dir, log: () => log, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`docker-registry did not start:\n${log}`);
}

/**
 * What the registry's storage holds for `repository` (or for all), even an upload only begun:
 * empty means nothing was pushed, not even partly.
 */
export function storedFiles(registry: RunningRegistry, repository = ''): string[] {
  const dir = join(registry.dir, 'data', 'docker', 'registry', 'v2', 'repositories', repository);
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
}

/** A repository's tags, less the referrers tags (sha256-<hex>) that list SBOMs and provenance. */
export async function imageTags(
  client: { listTags(repository: string): Promise<string[]> },
  repository: string,
): Promise<string[]> {
  return (await client.listTags(repository)).filter((t) => !/^sha256-[0-9a-f]{64}$/.test(t));
}
