import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '../../runtime/core.js';
import { UserError } from '../../runtime/errors.js';
import { execFile, tailLines } from '../../runtime/exec.js';
import { asRoot } from '../../runtime/privilege.js';
import { sleep } from '../../runtime/retry.js';
import { readState, saveState } from '../../runtime/state.js';
import { runnerTemp } from '../../runtime/temp.js';
import { Timeline } from '../../runtime/timeline.js';
import { buildkitdToml, connectionArgs, parseWorkers } from '../../tools/buildkit/config.js';
import { installTool } from '../../tools/installer.js';
import { SPECS } from '../../tools/spec.js';
import { OUTPUT, readInputs } from './inputs.js';

/** A buildkitd this action started: stopped by post (or by the root action when its pipeline ends). */
export interface DaemonState {
  pid: number;
  log: string;
}

const STATE = 'buildkitd';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function logTail(log: string): string {
  try {
    return tailLines(readFileSync(log, 'utf8'), 30);
  } catch {
    return '(no log)';
  }
}

/** Polls `buildctl debug workers` until the builder answers; a daemon that dies on the way fails now. */
async function waitForWorkers(
  buildctl: string,
  args: string[],
  timeoutMs: number,
  daemon?: DaemonState,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    const r = await execFile(buildctl, [...args, 'debug', 'workers', '--format', '{{json .}}'], {
      silent: true,
      allowFailure: true,
    });
    if (r.exitCode === 0) {
      const platforms = [...new Set(parseWorkers(r.stdout).flatMap((w) => w.platforms))];
      if (platforms.length) return platforms;
      last = 'no workers yet';
    } else {
      last = tailLines(r.stderr, 3);
    }
    if (daemon && !alive(daemon.pid))
      throw new UserError(
        `buildkitd exited before it answered; the last lines of its log:\n${logTail(daemon.log)}`,
      );
    if (Date.now() > deadline)
      throw new UserError(
        `BuildKit did not answer within ${timeoutMs / 1000}s: ${last}${daemon ? `\nbuildkitd log:\n${logTail(daemon.log)}` : ''}`,
      );
    await sleep(200);
  }
}

/** Installs BuildKit, starts buildkitd (or checks the endpoint given), exports BUILDKIT_HOST. */
export async function startBuildkit(): Promise<DaemonState | undefined> {
  const inputs = readInputs();
  const timeline = new Timeline('setup-buildkit');
  const installed = await timeline.phase('install', (attrs) =>
    installTool(SPECS.buildkit, inputs.install, attrs),
  );
  const [buildctl, buildkitd] = installed.binaries as [string, string];
  const timeoutMs = inputs.timeoutSeconds * 1000;

  let endpoint = inputs.endpoint;
  let daemon: DaemonState | undefined;
  if (!endpoint) {
    daemon = await timeline.phase('start', async (attrs) => {
      const dir = join(runnerTemp(), 'gantry', 'buildkit');
      mkdirSync(dir, { recursive: true });
      const config = join(dir, 'buildkitd.toml');
      writeFileSync(
        config,
        buildkitdToml({
          insecureRegistries: inputs.insecureRegistries,
          mirrors: inputs.mirrors,
          raw: inputs.config,
        }),
      );
      endpoint = `unix://${join(dir, 'buildkitd.sock')}`;
      const log = join(dir, 'buildkitd.log');
      const out = openSync(log, 'a');
      const [file, args] = asRoot([
        buildkitd,
        '--config',
        config,
        '--addr',
        endpoint,
        '--root',
        join(dir, 'root'),
      ]);
      const child = spawn(file, args, { detached: true, stdio: ['ignore', out, out] });
      child.unref();
      if (!child.pid) throw new UserError(`buildkitd did not start; see ${log}`);
      const state = { pid: child.pid, log };
      saveState(STATE, state);
      attrs.endpoint = endpoint;
      return state;
    });
  }
  const platforms = await timeline.phase('ready', async (attrs) => {
    const p = await waitForWorkers(
      buildctl,
      connectionArgs(endpoint, inputs.tls),
      timeoutMs,
      daemon,
    );
    attrs.platforms = p;
    return p;
  });
  core.exportVariable('BUILDKIT_HOST', endpoint);
  core.info(`BuildKit ${installed.tag} answers at ${endpoint} for ${platforms.join(', ')}`);
  core.setOutput(OUTPUT.endpoint, endpoint);
  core.setOutput(OUTPUT.platforms, platforms.join(','));
  core.setOutput(OUTPUT.version, installed.tag);
  return daemon;
}

export async function main(): Promise<void> {
  await startBuildkit();
}

/** Stops a daemon started by startBuildkit and shows the end of its log. */
export async function stopBuildkit(daemon: DaemonState): Promise<void> {
  if (alive(daemon.pid)) {
    const [file, args] = asRoot(['kill', '-TERM', String(daemon.pid)]);
    await execFile(file, args, { silent: true, allowFailure: true });
    for (let i = 0; i < 50 && alive(daemon.pid); i++) await sleep(200);
    if (alive(daemon.pid)) {
      const [f, a] = asRoot(['kill', '-KILL', String(daemon.pid)]);
      await execFile(f, a, { silent: true, allowFailure: true });
    }
  } else {
    core.warning('buildkitd had already exited before the end of the job');
  }
  core.startGroup('buildkitd log (last lines)');
  core.info(logTail(daemon.log));
  core.endGroup();
}

/** Stops the daemon this action's main started. */
export async function post(): Promise<void> {
  const daemon = readState<DaemonState>(STATE);
  if (daemon) await stopBuildkit(daemon);
}
