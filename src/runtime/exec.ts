import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import * as core from './core.js';
import { killTree } from './process-tree.js';
import { UserError } from './errors.js';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin. */
  input?: string | Buffer;
  /** Do not echo the command line or stream output to the log. */
  silent?: boolean;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Values (tokens) shown as *** wherever the command line is echoed or reported. */
  redact?: readonly string[];
  /** Stops the program and what it started (SIGTERM); the call then fails with an ExecError saying so. */
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The seam every action runs programs through; unit tests replace it. */
export type Exec = (
  file: string,
  args: readonly string[],
  opts?: ExecOptions,
) => Promise<ExecResult>;

const TAIL_LINES = 20;

/** A program that failed: carries argv, exit code and the last lines of stderr. */
export class ExecError extends Error {
  override readonly name = 'ExecError';
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderrTail: string,
  ) {
    super(
      `${argv.join(' ')} exited with code ${exitCode}` +
        (stderrTail ? `; last lines of stderr:\n${stderrTail}` : ''),
    );
  }
}

/** The program itself is missing (spawn's ENOENT): callers say which setup step provides it. */
export class ProgramNotFoundError extends ExecError {
  constructor(
    argv: readonly string[],
    readonly program: string,
  ) {
    super(argv, 127, `${program}: not found`);
  }
}

export function tailLines(text: string, n = TAIL_LINES): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/** An argument as a POSIX shell reads it back: echoed commands can be pasted into a terminal. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs a program with argv as an array (no shell), collecting output. */
export const execFile: Exec = (file, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const hide = (s: string) =>
      (opts.redact ?? []).filter(Boolean).reduce((t, secret) => t.split(secret).join('***'), s);
    const argv = [file, ...args].map(hide);
    const stopped = () => new ExecError(argv, 143, 'stopped: no longer needed');
    if (opts.signal?.aborted) return reject(stopped());
    if (!opts.silent) core.info(`[command]${argv.map(shellQuote).join(' ')}`);
    const child = spawn(file, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // the program's own children too: a go build stopped alone leaves its compiler running
    const stop = () => child.pid !== undefined && killTree(child.pid);
    opts.signal?.addEventListener('abort', stop, { once: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      if (!opts.silent) process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      if (!opts.silent) process.stdout.write(d);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      // spawn says ENOENT for a missing working directory too: that is not a missing program
      const missingCwd = e.code === 'ENOENT' && opts.cwd !== undefined && !existsSync(opts.cwd);
      reject(
        missingCwd
          ? new ExecError(argv, 127, `working directory ${opts.cwd} does not exist`)
          : e.code === 'ENOENT'
            ? new ProgramNotFoundError(argv, file)
            : new ExecError(argv, 127, e.message),
      );
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', stop);
      if (opts.signal?.aborted) return reject(stopped());
      const result = {
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.exitCode !== 0 && !opts.allowFailure) {
        reject(new ExecError(argv, result.exitCode, tailLines(result.stderr)));
      } else {
        resolve(result);
      }
    });
  });

/** An Exec that says `message` (one line, what to set up) when `program` itself is missing. */
export function sayingWhenMissing(exec: Exec, program: string, message: string): Exec {
  return (file, args, opts) =>
    exec(file, args, opts).catch((err: unknown) => {
      if (err instanceof ProgramNotFoundError && err.program === program)
        throw new UserError(message);
      throw err;
    });
}
