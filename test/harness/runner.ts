import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { evaluateCondition, interpolate, type Contexts, type JobStatus } from './expressions.js';
import {
  parseKeyValueFile,
  parsePathFile,
  parseWorkflowCommands,
  type WorkflowCommand,
} from './files.js';
import { actionNode, fixture, REPO_ROOT } from './paths.js';

/** What one step (a node action's main or post, or a run: script) left behind. */
export interface StepResult {
  exitCode: number;
  outcome: 'success' | 'failure' | 'skipped';
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
  errors: string[];
  warnings: string[];
  /** stdout and stderr as the runner shows them: secrets from add-mask replaced by ***. */
  log: string;
  /** Wall time of the step's process, in milliseconds (0 for a skipped or composite step). */
  ms?: number;
}

export interface ActionRun extends StepResult {
  /** For composite actions: each inner step by id (or index). */
  steps: Record<string, StepResult>;
}

interface ActionYaml {
  name?: string;
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value?: string }>;
  runs: {
    using: string;
    main?: string;
    pre?: string;
    post?: string;
    'post-if'?: string;
    steps?: CompositeStep[];
  };
}

interface CompositeStep {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  shell?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: boolean | string;
}

export interface EventSpec {
  name: string;
  /** A payload object, or the name of a file in test/fixtures/upstream/github. */
  payload?: object | string;
}

export interface JobOptions {
  workspace?: string;
  event?: EventSpec;
  /** Job-level env (as `env:` on the job). */
  env?: Record<string, string>;
  /** Share a tool cache between jobs, as a self-hosted runner does. */
  toolCache?: string;
  repository?: string;
  token?: string;
  timeoutMs?: number;
  /** The REST API base URL (a local server in tests), as a GHES runner sets GITHUB_API_URL. */
  apiUrl?: string;
}

export interface UsesOptions {
  id?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  if?: string;
}

const SHELLS: Record<string, (script: string) => [string, string[]]> = {
  bash: (f) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', f]],
  sh: (f) => ['sh', ['-e', f]],
  python: (f) => ['python3', [f]],
  node: (f) => [actionNode(), [f]],
};

/** The runner's name mangling for inputs: spaces become underscores, upper case. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function runnerArch(): string {
  return (
    ({ x64: 'X64', arm64: 'ARM64', arm: 'ARM', ia32: 'X86' } as Record<string, string>)[
      process.arch
    ] ?? process.arch
  );
}

/** The host environment without anything a runner would set itself. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

async function loadActionYaml(dir: string): Promise<ActionYaml> {
  for (const name of ['action.yml', 'action.yaml']) {
    try {
      return parseYaml(await readFile(join(dir, name), 'utf8')) as ActionYaml;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`No action.yml in ${dir}`);
}

/**
 * One job on a simulated GitHub-hosted runner: its own RUNNER_TEMP, tool cache and workspace,
 * the env and PATH that steps export carried to later steps, and post steps run at the end in
 * reverse order, as the runner runs them.
 */
export class Job {
  readonly env: Record<string, string> = {};
  readonly path: string[] = [];
  readonly steps: Record<string, StepResult> = {};
  status: JobStatus = 'success';
  private readonly posts: (() => Promise<void>)[] = [];
  private stepCount = 0;

  private constructor(
    readonly root: string,
    readonly workspace: string,
    readonly runnerTemp: string,
    readonly toolCache: string,
    readonly eventName: string,
    readonly eventPath: string,
    readonly payload: Record<string, unknown>,
    private readonly options: JobOptions,
  ) {
    Object.assign(this.env, options.env ?? {});
  }

  static async create(options: JobOptions = {}): Promise<Job> {
    const root = await mkdtemp(join(tmpdir(), 'gantry-job-'));
    const workspace = options.workspace ?? join(root, 'workspace');
    const runnerTemp = join(root, 'temp');
    const toolCache = options.toolCache ?? join(root, 'toolcache');
    await Promise.all(
      [workspace, runnerTemp, toolCache, join(root, 'files')].map((d) =>
        mkdir(d, { recursive: true }),
      ),
    );
    const eventName = options.event?.name ?? 'push';
    let payload: Record<string, unknown> = {};
    const p = options.event?.payload;
    if (typeof p === 'string')
      payload = JSON.parse(await readFile(fixture('github', p), 'utf8')) as Record<string, unknown>;
    else if (p) payload = p as Record<string, unknown>;
    const eventPath = join(root, 'event.json');
    await writeFile(eventPath, JSON.stringify(payload));
    return new Job(root, workspace, runnerTemp, toolCache, eventName, eventPath, payload, options);
  }

  /** The `github` context and the GITHUB_* variables derived from the event, as the runner sets them. */
  githubContext(): Record<string, unknown> {
    const pr = this.payload.pull_request as
      | { number?: number; head?: { ref?: string; sha?: string }; base?: { ref?: string } }
      | undefined;
    const repo = (this.payload.repository as { full_name?: string } | undefined)?.full_name;
    const repository = this.options.repository ?? repo ?? 'gantry-test/service';
    let ref = (this.payload.ref as string | undefined) ?? 'refs/heads/main';
    let sha =
      (this.payload.after as string | undefined) ??
      (this.payload.head_commit as { id?: string } | undefined)?.id ??
      '0'.repeat(40);
    if (pr?.number !== undefined) {
      ref = `refs/pull/${pr.number}/merge`;
      sha = 'f'.repeat(40);
    }
    return {
      token: this.options.token ?? 'ghs_harnessToken0000000000000000000000',
      repository,
      repository_owner: repository.split('/')[0],
      event_name: this.eventName,
      event: this.payload,
      event_path: this.eventPath,
      sha,
      ref,
      ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
      head_ref: pr?.head?.ref ?? '',
      base_ref: pr?.base?.ref ?? '',
      workspace: this.workspace,
      server_url: 'https://github.com',
      api_url: this.options.apiUrl ?? 'https://api.github.com',
      graphql_url: 'https://api.github.com/graphql',
      run_id: '4242',
      run_number: '7',
      run_attempt: '1',
      job: 'build',
      workflow: this.options.env?.GITHUB_WORKFLOW ?? 'ci',
      actor: 'octocat',
    };
  }

  private runnerEnv(stepId: string, actionPath?: string): Record<string, string> {
    const g = this.githubContext();
    const str = (k: string) => String(g[k] ?? '');
    const host = baseEnv();
    return {
      ...host,
      ...this.env,
      PATH: [...this.path, host.PATH ?? ''].filter(Boolean).join(delimiter),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_EVENT_PATH: this.eventPath,
      GITHUB_EVENT_NAME: this.eventName,
      GITHUB_REPOSITORY: str('repository'),
      GITHUB_REPOSITORY_OWNER: str('repository_owner'),
      GITHUB_SHA: str('sha'),
      GITHUB_REF: str('ref'),
      GITHUB_REF_NAME: str('ref_name'),
      GITHUB_HEAD_REF: str('head_ref'),
      GITHUB_BASE_REF: str('base_ref'),
      GITHUB_SERVER_URL: str('server_url'),
      GITHUB_API_URL: str('api_url'),
      GITHUB_GRAPHQL_URL: str('graphql_url'),
      GITHUB_RUN_ID: str('run_id'),
      GITHUB_RUN_NUMBER: str('run_number'),
      GITHUB_RUN_ATTEMPT: str('run_attempt'),
      GITHUB_JOB: str('job'),
      GITHUB_WORKFLOW: str('workflow'),
      GITHUB_ACTOR: str('actor'),
      GITHUB_ACTION: stepId,
      ...(actionPath ? { GITHUB_ACTION_PATH: actionPath } : {}),
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: runnerArch(),
      RUNNER_NAME: 'gantry-harness',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_TOOL_CACHE: this.toolCache,
    };
  }

  /** Runs one process as a step, with fresh command files, and reads back what it wrote. */
  private async execStep(
    argv: [string, string[]],
    env: Record<string, string>,
    cwd: string,
    stepId: string,
  ): Promise<StepResult> {
    const files = join(
      this.root,
      'files',
      `${++this.stepCount}-${stepId.replace(/[^\w.-]/g, '_')}`,
    );
    await mkdir(files, { recursive: true });
    const f = {
      GITHUB_OUTPUT: join(files, 'output'),
      GITHUB_ENV: join(files, 'env'),
      GITHUB_PATH: join(files, 'path'),
      GITHUB_STATE: join(files, 'state'),
      GITHUB_STEP_SUMMARY: join(files, 'summary'),
    };
    await Promise.all(Object.values(f).map((p) => writeFile(p, '')));
    const started = Date.now();
    const { exitCode, stdout, stderr } = await spawnStep(
      argv,
      { ...env, ...f },
      cwd,
      this.options.timeoutMs ?? 10 * 60_000,
    );
    const read = (p: string) => readFile(p, 'utf8');
    const commands = parseWorkflowCommands(stdout);
    const log = maskedLog(stdout + stderr, commands);
    return {
      exitCode,
      outcome: exitCode === 0 ? 'success' : 'failure',
      stdout,
      stderr,
      outputs: parseKeyValueFile(await read(f.GITHUB_OUTPUT), 'GITHUB_OUTPUT'),
      env: parseKeyValueFile(await read(f.GITHUB_ENV), 'GITHUB_ENV'),
      path: parsePathFile(await read(f.GITHUB_PATH)),
      state: parseKeyValueFile(await read(f.GITHUB_STATE), 'GITHUB_STATE'),
      summary: await read(f.GITHUB_STEP_SUMMARY),
      commands,
      errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
      warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
      log,
      ms: Date.now() - started,
    };
  }

  /** Carries a step's exported env and PATH into the job, and its failure into the job status. */
  private absorb(result: StepResult, id: string, continueOnError = false): void {
    Object.assign(this.env, result.env);
    this.path.unshift(...[...result.path].reverse());
    this.steps[id] = result;
    if (result.outcome === 'failure' && !continueOnError) this.status = 'failure';
  }

  private contexts(extra: Contexts = {}): Contexts {
    const steps: Record<string, unknown> = {};
    for (const [id, s] of Object.entries(this.steps))
      steps[id] = { outputs: s.outputs, outcome: s.outcome, conclusion: s.outcome };
    return {
      github: this.githubContext(),
      env: { ...this.env },
      runner: {
        os: 'Linux',
        arch: runnerArch(),
        temp: this.runnerTemp,
        tool_cache: this.toolCache,
      },
      job: { status: this.status },
      steps,
      matrix: {},
      strategy: {},
      ...extra,
    };
  }

  /** Runs a `run:` step in the named shell, with `${{ }}` already evaluated by the caller. */
  async run(
    script: string,
    opts: {
      id?: string;
      shell?: string;
      env?: Record<string, string>;
      workingDirectory?: string;
      actionPath?: string;
    } = {},
  ): Promise<StepResult> {
    const id = opts.id ?? `run${this.stepCount + 1}`;
    const shell = SHELLS[opts.shell ?? 'bash'];
    if (!shell)
      throw new Error(
        `shell ${opts.shell} is not supported by the harness (bash, sh, python, node)`,
      );
    const file = join(this.runnerTemp, `step-${this.stepCount + 1}-${Date.now()}.sh`);
    await writeFile(file, script);
    await chmod(file, 0o755);
    const env = { ...this.runnerEnv(id, opts.actionPath), ...(opts.env ?? {}) };
    const cwd = opts.workingDirectory
      ? resolve(this.workspace, opts.workingDirectory)
      : this.workspace;
    const result = await this.execStep(shell(file), env, cwd, id);
    this.absorb(result, id);
    return result;
  }

  /**
   * Runs an action as a `uses:` step: a local directory (absolute, or relative to the repository
   * root as `actions/<name>`, or `./…` relative to the workspace as inside composite actions).
   */
  async uses(action: string, opts: UsesOptions = {}): Promise<ActionRun> {
    const dir = action.startsWith('./')
      ? resolve(this.workspace, action)
      : isAbsolute(action)
        ? action
        : resolve(REPO_ROOT, action);
    const meta = await loadActionYaml(dir);
    const id = opts.id ?? `step${this.stepCount + 1}`;
    const contexts = this.contexts();
    if (!evaluateCondition(opts.if, contexts, this.status)) {
      const skipped = emptyResult('skipped');
      this.steps[id] = skipped;
      return { ...skipped, steps: {} };
    }
    const inputs = this.resolveInputs(meta, opts.with ?? {}, dir);
    if (meta.runs.using === 'composite')
      return this.runComposite(dir, meta, inputs, id, opts.env ?? {});
    if (!/^node\d+$/.test(meta.runs.using))
      throw new Error(`${dir}: runs.using ${meta.runs.using} is not supported by the harness`);
    return this.runNode(dir, meta, inputs, id, opts.env ?? {});
  }

  /** Inputs with action.yml defaults (themselves expressions) filled in; unknown names are an error. */
  private resolveInputs(
    meta: ActionYaml,
    given: Record<string, string>,
    dir: string,
  ): Record<string, string> {
    const declared = meta.inputs ?? {};
    const unknown = Object.keys(given).filter((k) => !(k in declared));
    if (unknown.length)
      throw new Error(
        `${dir}: unexpected input(s) ${unknown.join(', ')}; valid: ${Object.keys(declared).join(', ')}`,
      );
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(declared)) {
      const value =
        given[name] ??
        (spec.default !== undefined
          ? interpolate(String(spec.default), this.contexts())
          : undefined);
      if (value !== undefined) inputs[name] = value;
    }
    return inputs;
  }

  private async runNode(
    dir: string,
    meta: ActionYaml,
    inputs: Record<string, string>,
    id: string,
    stepEnv: Record<string, string>,
  ): Promise<ActionRun> {
    const inputEnv = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v]),
    );
    const node = actionNode();
    const entry = (script: string): [string, string[]] => [node, [resolve(dir, script)]];
    const env = () => ({ ...this.runnerEnv(id, dir), ...stepEnv, ...inputEnv });
    if (!meta.runs.main) throw new Error(`${dir}: runs.main is missing`);
    const result = await this.execStep(entry(meta.runs.main), env(), this.workspace, id);
    this.absorb(result, id);
    const post = meta.runs.post;
    if (post) {
      const state = result.state;
      const postIf = meta.runs['post-if'] ?? 'always()';
      this.posts.push(async () => {
        const stateEnv = Object.fromEntries(
          Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]),
        );
        if (!evaluateCondition(postIf, this.contexts(), this.status)) return;
        const postResult = await this.execStep(
          entry(post),
          { ...env(), ...stateEnv },
          this.workspace,
          `post-${id}`,
        );
        this.absorb(postResult, `post-${id}`);
      });
    }
    return { ...result, steps: {} };
  }

  private async runComposite(
    dir: string,
    meta: ActionYaml,
    inputs: Record<string, string>,
    id: string,
    stepEnv: Record<string, string>,
  ): Promise<ActionRun> {
    const inner: Record<string, StepResult> = {};
    let status: JobStatus = 'success';
    const stepsContext = () =>
      Object.fromEntries(
        Object.entries(inner).map(([k, s]) => [
          k,
          { outputs: s.outputs, outcome: s.outcome, conclusion: s.outcome },
        ]),
      );
    const ctx = () =>
      this.contexts({ inputs, steps: stepsContext(), env: { ...this.env, ...stepEnv } });
    const all: StepResult[] = [];
    for (const [index, step] of (meta.runs.steps ?? []).entries()) {
      const stepId = step.id ?? `__${index}`;
      if (!evaluateCondition(step.if, ctx(), status)) {
        inner[stepId] = emptyResult('skipped');
        continue;
      }
      const env = {
        ...stepEnv,
        ...mapValues(step.env ?? {}, (v) => interpolate(String(v), ctx(), status)),
      };
      let result: StepResult;
      if (step.run !== undefined) {
        if (!step.shell)
          throw new Error(
            `${dir}: step ${stepId} has run: but no shell: (required in composite actions)`,
          );
        const wd = step['working-directory'];
        result = await this.run(
          interpolate(step.run, { ...ctx(), env: { ...this.env, ...env } }, status),
          {
            id: `${id}.${stepId}`,
            shell: interpolate(step.shell, ctx(), status),
            env,
            actionPath: dir,
            ...(wd ? { workingDirectory: interpolate(wd, ctx(), status) } : {}),
          },
        );
      } else if (step.uses) {
        if (!step.uses.startsWith('./'))
          throw new Error(
            `${dir}: step ${stepId} uses ${step.uses}; the harness runs only local actions (./…)`,
          );
        const withInputs = mapValues(step.with ?? {}, (v) => interpolate(String(v), ctx(), status));
        result = await this.uses(step.uses, { id: `${id}.${stepId}`, with: withInputs, env });
      } else {
        throw new Error(`${dir}: step ${stepId} has neither run: nor uses:`);
      }
      const continueOnError = String(step['continue-on-error'] ?? 'false') === 'true';
      if (result.outcome === 'failure' && !continueOnError) status = 'failure';
      inner[stepId] = result;
      all.push(result);
    }
    const outputs = mapValues(meta.outputs ?? {}, (o) =>
      interpolate(String(o.value ?? ''), ctx(), status),
    );
    const combined: ActionRun = {
      ...emptyResult(status === 'success' ? 'success' : 'failure'),
      exitCode: status === 'success' ? 0 : 1,
      stdout: all.map((r) => r.stdout).join(''),
      stderr: all.map((r) => r.stderr).join(''),
      outputs,
      commands: all.flatMap((r) => r.commands),
      errors: all.flatMap((r) => r.errors),
      warnings: all.flatMap((r) => r.warnings),
      log: all.map((r) => r.log).join(''),
      summary: all.map((r) => r.summary).join(''),
      steps: inner,
    };
    this.steps[id] = combined;
    if (status === 'failure') this.status = 'failure';
    return combined;
  }

  /** Runs the post steps registered so far, last first, as the runner does at the end of a job. */
  async runPosts(): Promise<void> {
    while (this.posts.length) await this.posts.pop()!();
  }

  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** The runner consumes add-mask commands and prints *** wherever a masked value appears. */
export function maskedLog(output: string, commands: readonly WorkflowCommand[]): string {
  const secrets = commands
    .filter((c) => c.command === 'add-mask' && c.message !== '')
    .map((c) => c.message)
    .sort((a, b) => b.length - a.length);
  return output
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .map((line) => secrets.reduce((l, secret) => l.split(secret).join('***'), line))
    .join('\n');
}

function emptyResult(outcome: StepResult['outcome']): StepResult {
  return {
    exitCode: 0,
    outcome,
    stdout: '',
    stderr: '',
    outputs: {},
    env: {},
    path: [],
    state: {},
    summary: '',
    commands: [],
    errors: [],
    warnings: [],
    log: '',
  };
}

function mapValues<T, U>(o: Record<string, T>, fn: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
}

function spawnStep(
  argv: [string, string[]],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0], argv[1], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** One action, main then post, in a fresh job: the common case for an action's own tests. */
export async function runAction(
  action: string,
  opts: UsesOptions & JobOptions = {},
): Promise<{ job: Job; main: ActionRun; post?: StepResult }> {
  const job = await Job.create(opts);
  const main = await job.uses(action, opts);
  const before = Object.keys(job.steps).length;
  await job.runPosts();
  const postId = Object.keys(job.steps).find((k, i) => i >= before && k.startsWith('post-'));
  return { job, main, ...(postId ? { post: job.steps[postId] } : {}) };
}
