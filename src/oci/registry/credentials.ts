import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runnerTemp } from '../../runtime/temp.js';
import { DOCKER_HUB } from '../reference.js';
import type { Credentials } from './auth.js';

interface DockerConfig {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string }
  >;
}

/** The keys docker login (and docker/login-action) writes for a registry. */
function configKeys(registry: string): string[] {
  if (registry === DOCKER_HUB)
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [
    registry,
    `https://${registry}`,
    `http://${registry}`,
    `https://${registry}/v1/`,
    `https://${registry}/v2/`,
  ];
}

/** DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/** Credentials for a registry from a docker config file, as docker/login-action writes it. */
export function credentialsFromDockerConfig(
  registry: string,
  path = dockerConfigPath(),
): Credentials | undefined {
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  for (const key of configKeys(registry)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0)
        return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username && entry.password)
      return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** The key docker login writes for a registry. */
function configKey(registry: string): string {
  return registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

/**
 * Runs fn with DOCKER_CONFIG for a tool that logs in by docker config (trivy, buildctl): a
 * private directory (0700, in RUNNER_TEMP) whose config.json (0600) holds these registries'
 * credentials and nothing else, removed afterwards whatever happens. A tool given it can offer
 * a registry only its own credentials — never another's, never the runner's whole login set.
 * `merge`: what the runner's own docker config holds (docker/login-action's logins, credential
 * helpers) is kept beside them, for a tool that reaches registries gantry does not list.
 */
export async function withDockerConfig<T>(
  entries: ReadonlyMap<string, Credentials>,
  fn: (dir: string) => Promise<T>,
  opts: { merge?: boolean } = {},
): Promise<T> {
  const dir = await mkdtemp(join(runnerTemp(), 'gantry-docker-config-'));
  try {
    let base: DockerConfig & Record<string, unknown> = {};
    if (opts.merge)
      try {
        base = JSON.parse(readFileSync(dockerConfigPath(), 'utf8')) as typeof base;
      } catch {
        // no docker config on this runner: the entries alone
      }
    const auths: NonNullable<DockerConfig['auths']> = { ...(base.auths ?? {}) };
    for (const [registry, c] of entries)
      auths[configKey(registry)] = {
        auth: Buffer.from(`${c.username}:${c.password}`).toString('base64'),
      };
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...base, auths }), { mode: 0o600 });
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
