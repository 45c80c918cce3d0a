import type { AttrValue, Phase } from '../runtime/timeline.js';

/** One row of the report: a phase of an action, its time, and what it noted. */
export interface PhaseRow {
  action: string;
  phase: string;
  start: number;
  ms: number;
  share: number;
  notes: string;
  failed: boolean;
  /** The same phase's time on the base branch's last run, when known. */
  baselineMs?: number;
}

/** `850ms`, `41s`, `1m12s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `1m12s → 41s (−43%)`. */
export function formatDelta(baselineMs: number, ms: number): string {
  const pct = baselineMs > 0 ? Math.round(((ms - baselineMs) / baselineMs) * 100) : 0;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${formatDuration(baselineMs)} → ${formatDuration(ms)} (${sign}${Math.abs(pct)}%)`;
}

const BYTES = /bytes|Bytes$/;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** The attrs a phase recorded, as short notes: `cache hit`, `bytesUploaded 2.4 MiB`, `platforms linux/amd64, linux/arm64`. */
export function formatNotes(attrs: Record<string, AttrValue>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'failed' || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (k === 'error') parts.push(`error: ${String(v)}`);
    else if (typeof v === 'number' && BYTES.test(k)) parts.push(`${k} ${formatBytes(v)}`);
    else if (Array.isArray(v)) parts.push(`${k} ${v.join(', ')}`);
    else parts.push(`${k} ${String(v)}`);
  }
  return parts.join('; ');
}

/** A stable key for matching a phase with the base branch's run. */
export function phaseKey(p: Pick<Phase, 'action' | 'phase'>): string {
  return `${p.action}/${p.phase}`;
}

/**
 * Rows in start order with each phase's share of the job's wall time (first start to last end);
 * a phase recorded more than once (an action used twice) keeps each occurrence.
 */
export function phaseRows(
  phases: readonly Phase[],
  baseline?: ReadonlyMap<string, number>,
): { rows: PhaseRow[]; totalMs: number } {
  if (phases.length === 0) return { rows: [], totalMs: 0 };
  const sorted = [...phases].sort((a, b) => a.start - b.start);
  const first = sorted[0]!.start;
  const last = Math.max(...sorted.map((p) => p.end));
  const totalMs = Math.max(1, last - first);
  const rows = sorted.map((p): PhaseRow => {
    const ms = Math.max(0, p.end - p.start);
    const base = baseline?.get(phaseKey(p));
    return {
      action: p.action,
      phase: p.phase,
      start: p.start - first,
      ms,
      share: ms / totalMs,
      notes: formatNotes(p.attrs),
      failed: p.attrs.failed === true,
      ...(base !== undefined ? { baselineMs: base } : {}),
    };
  });
  return { rows, totalMs };
}

/** What a baseline keeps of a run: each phase's time by key (the last occurrence wins). */
export function baselineOf(phases: readonly Phase[]): Record<string, number> {
  return Object.fromEntries(phases.map((p) => [phaseKey(p), Math.max(0, p.end - p.start)]));
}
