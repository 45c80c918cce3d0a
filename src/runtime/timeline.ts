import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as core from './core.js';
import { errorMessage } from './errors.js';
import { runnerTemp } from './temp.js';

export type AttrValue = string | number | boolean | null | readonly (string | number)[];
export type Attrs = Record<string, AttrValue>;

/** One timed phase of one action: a line of the job's timeline file. */
export interface Phase {
  action: string;
  phase: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  attrs: Attrs;
}

/** One file per job, in RUNNER_TEMP, shared by every gantry action of the job. */
export function timelinePath(): string {
  return process.env.GANTRY_TIMELINE || join(runnerTemp(), 'gantry', 'timeline.jsonl');
}

/** Records the phases of one action by appending JSON lines; never fails the action. */
export class Timeline {
  private readonly file: string;
  private readonly now: () => number;

  constructor(
    readonly action: string,
    opts: { file?: string; now?: () => number } = {},
  ) {
    this.file = opts.file ?? timelinePath();
    this.now = opts.now ?? Date.now;
  }

  /**
   * Times fn as the named phase. fn may add notes to attrs (cache hit kind, bytes, platforms).
   * A phase that throws is recorded with `failed: true` and its error, then the error goes on.
   */
  async phase<T>(
    phase: string,
    fn: (attrs: Attrs) => Promise<T> | T,
    attrs: Attrs = {},
  ): Promise<T> {
    const start = this.now();
    // progress as it happens: a cold build takes minutes, and the log should say where it is
    core.info(`▶ ${this.action}: ${phase}`);
    let outcome = 'done';
    try {
      return await fn(attrs);
    } catch (err) {
      attrs.failed = true;
      attrs.error = errorMessage(err).split('\n')[0] ?? '';
      outcome = 'failed';
      throw err;
    } finally {
      const end = this.now();
      core.info(
        `${outcome === 'done' ? '✓' : '✗'} ${this.action}: ${phase} ${outcome} in ${seconds(end - start)}`,
      );
      this.record({ action: this.action, phase, start, end, attrs });
    }
  }

  record(entry: Phase): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(entry) + '\n');
    } catch (err) {
      core.warning(`Could not record phase ${entry.action}/${entry.phase}: ${errorMessage(err)}`);
    }
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`;
}

function isPhase(v: unknown): v is Phase {
  const p = v as Phase;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.action === 'string' &&
    typeof p.phase === 'string' &&
    Number.isFinite(p.start) &&
    Number.isFinite(p.end) &&
    typeof p.attrs === 'object' &&
    p.attrs !== null
  );
}

/** Reads a timeline file; lines that are not phases (a torn write) are skipped. */
export function readTimeline(file = timelinePath()): Phase[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const phases: Phase[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isPhase(v)) phases.push(v);
    } catch {
      // a partial line from a killed step: not a phase
    }
  }
  return phases;
}
