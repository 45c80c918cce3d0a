import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../src/runtime/errors.js';
import {
  ExecError,
  execFile,
  ProgramNotFoundError,
  sayingWhenMissing,
  shellQuote,
  tailLines,
} from '../../../src/runtime/exec.js';

describe('exec seam', () => {
  it('returns output of a program run with argv as an array', async () => {
    const r = await execFile(
      process.execPath,
      ['-e', 'process.stdout.write(process.argv[1])', 'a b;c'],
      { silent: true },
    );
    expect(r).toEqual({ exitCode: 0, stdout: 'a b;c', stderr: '' });
  });

  it('feeds stdin', async () => {
    const r = await execFile(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {
      silent: true,
      input: 'piped',
    });
    expect(r.stdout).toBe('piped');
  });

  it('throws ExecError with argv, exit code and the tail of stderr', async () => {
    const script = 'for (let i = 0; i < 30; i++) console.error("line " + i); process.exit(3)';
    const err = await execFile(process.execPath, ['-e', script], { silent: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExecError);
    const e = err as ExecError;
    expect(e.exitCode).toBe(3);
    expect(e.argv).toEqual([process.execPath, '-e', script]);
    expect(e.stderrTail.split('\n')).toHaveLength(20);
    expect(e.stderrTail.endsWith('line 29')).toBe(true);
    expect(e.message).toContain('exited with code 3');
  });

  it('redacts secrets from the echoed command and from its error', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (
      lines.push(String(chunk)),
      true
    )) as typeof process.stdout.write;
    let err: ExecError | undefined;
    try {
      err = (await execFile(process.execPath, ['-e', 'process.exit(4)', 'token=s3cr3t-value'], {
        redact: ['s3cr3t-value'],
        silent: false,
      }).catch((e: unknown) => e)) as ExecError;
    } finally {
      process.stdout.write = write;
    }
    expect(lines.join('')).toContain('token=***');
    expect(lines.join('')).not.toContain('s3cr3t-value');
    expect(err?.message).not.toContain('s3cr3t-value');
    expect(err?.argv).toContain('token=***');
  });

  it('reports a missing program as not found', async () => {
    const err = (await execFile('gantry-no-such-program', [], { silent: true }).catch(
      (e: unknown) => e,
    )) as ExecError;
    expect(err.exitCode).toBe(127);
    expect(err.stderrTail).toContain('not found');
  });

  it('reports a missing working directory as such, not as a missing program', async () => {
    const err = (await execFile(process.execPath, ['-e', '0'], {
      silent: true,
      cwd: '/gantry-no-such-dir/sub',
    }).catch((e: unknown) => e)) as ExecError;
    expect(err).toBeInstanceOf(ExecError);
    expect(err).not.toBeInstanceOf(ProgramNotFoundError);
    expect(err.stderrTail).toBe('working directory /gantry-no-such-dir/sub does not exist');
  });

  it('says what to set up when that very program is missing, and nothing else changes', async () => {
    const exec = sayingWhenMissing(execFile, 'gantry-no-such-go', 'go is not on PATH; set up Go');
    await expect(exec('gantry-no-such-go', [], { silent: true })).rejects.toThrow(
      new UserError('go is not on PATH; set up Go'),
    );
    // another missing program, and a failing one, keep their own errors
    await expect(exec('gantry-no-such-other', [], { silent: true })).rejects.toBeInstanceOf(
      ProgramNotFoundError,
    );
    const failed = (await exec(process.execPath, ['-e', 'process.exit(3)'], {
      silent: true,
    }).catch((e: unknown) => e)) as ExecError;
    expect(failed.exitCode).toBe(3);
  });

  it('echoes commands quoted as a shell reads them back', () => {
    expect(
      ['buildctl', '--opt', 'build-arg:LDFLAGS=-s -w', "it's", '', 'a,b=c/d'].map(shellQuote),
    ).toEqual(['buildctl', '--opt', "'build-arg:LDFLAGS=-s -w'", `'it'\\''s'`, "''", 'a,b=c/d']);
    const echoed = ['printf', '%s|', "a 'b' c", '$HOME'].map(shellQuote).join(' ');
    expect(execFileSync('sh', ['-c', echoed], { encoding: 'utf8' })).toBe("a 'b' c|$HOME|");
  });

  it('returns a failure when asked to', async () => {
    const r = await execFile(process.execPath, ['-e', 'process.exit(2)'], {
      silent: true,
      allowFailure: true,
    });
    expect(r.exitCode).toBe(2);
    expect(tailLines('a\nb\nc\n', 2)).toBe('b\nc');
  });

  it('stops a program when its signal aborts, failing with an ExecError that says so', async () => {
    const stop = new AbortController();
    const run = execFile('sleep', ['30'], { silent: true, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as ExecError).message).toContain('stopped');
    expect((err as ExecError).exitCode).toBe(143);
  });

  it('stops what the program started too (as go build starts its compiler), and never starts one when already stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-tree-'));
    try {
      const pidfile = join(dir, 'child');
      const stop = new AbortController();
      const run = execFile('sh', ['-c', `sleep 30 & echo $! > ${pidfile}; wait`], {
        silent: true,
        signal: stop.signal,
      });
      let child = 0;
      for (let i = 0; i < 100 && !child; i++) {
        await new Promise((r) => setTimeout(r, 20));
        child = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8')) : 0;
      }
      expect(child).toBeGreaterThan(0);
      stop.abort();
      expect(((await run.catch((e: unknown) => e)) as ExecError).exitCode).toBe(143);
      const alive = () => {
        try {
          // a zombie is gone for this purpose: it runs nothing
          return !readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(alive()).toBe(false);
      const marker = join(dir, 'ran');
      const again = execFile('sh', ['-c', `touch ${marker}`], {
        silent: true,
        signal: stop.signal,
      });
      expect(((await again.catch((e: unknown) => e)) as ExecError).exitCode).toBe(143);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
