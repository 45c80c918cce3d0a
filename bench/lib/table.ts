/**
 * One benchmark figure per line: what was measured (median with min/max over rounds), what it is
 * measured against (the ratio, side by side), the target, and whether it is met.
 */
export interface Figure {
  /** P1…P5 */
  id: string;
  what: string;
  /** Samples in seconds (or bytes with unit 'B'). */
  samples: number[];
  /** seconds, bytes, or a count */
  unit: 's' | 'B' | 'n';
  /** The figure it is compared with (its median), and how that one is named. */
  versus?: { what: string; median: number };
  /** The ratio must be at most this (or, with `atLeast`, at least). */
  target?: { ratio?: number; atLeast?: boolean; value?: number; text: string };
  note?: string;
}

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function stat(xs: readonly number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return { median: NaN, min: NaN, max: NaN };
  const m = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: m, min: s[0]!, max: s[s.length - 1]! };
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function fmt(v: number, unit: Figure['unit']): string {
  if (unit === 'n') return String(v);
  if (unit === 'B')
    return v >= 1 << 20
      ? `${(v / (1 << 20)).toFixed(1)} MiB`
      : v >= 1024
        ? `${(v / 1024).toFixed(0)} KiB`
        : `${v} B`;
  if (v < 1) return `${(v * 1000).toFixed(0)} ms`;
  return `${v >= 10 ? v.toFixed(1) : v.toFixed(2)} s`;
}

/** Whether a figure meets its target, and by how much it misses. */
export function verdict(f: Figure): { ratio?: number; met?: boolean; by?: string } {
  const { median } = stat(f.samples);
  const ratio = f.versus ? median / f.versus.median : undefined;
  if (!f.target) return { ...(ratio !== undefined ? { ratio } : {}) };
  if (f.target.value !== undefined) {
    const met = median <= f.target.value;
    return {
      ...(ratio !== undefined ? { ratio } : {}),
      met,
      ...(met ? {} : { by: `${fmt(median - f.target.value, f.unit)} over` }),
    };
  }
  if (ratio === undefined || f.target.ratio === undefined) return {};
  const met = f.target.atLeast ? ratio >= f.target.ratio : ratio <= f.target.ratio;
  const by = f.target.atLeast
    ? `${((1 - ratio / f.target.ratio) * 100).toFixed(0)}% short`
    : `${((ratio / f.target.ratio - 1) * 100).toFixed(0)}% over`;
  return { ratio, met, ...(met ? {} : { by }) };
}

/** The table, one line per figure, as the README reports it. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const s = stat(f.samples);
    const v = verdict(f);
    return [
      f.id,
      f.what,
      f.samples.length > 1
        ? `${fmt(s.median, f.unit)} (${fmt(s.min, f.unit)}–${fmt(s.max, f.unit)})`
        : f.samples.length
          ? fmt(s.median, f.unit)
          : '—',
      f.versus ? `${v.ratio!.toFixed(2)}× ${f.versus.what}` : '',
      f.target?.text ?? '',
      v.met === undefined ? '' : v.met ? 'met' : `NOT met (${v.by})`,
      f.note ?? '',
    ].map((cell) => cell.replace(/\|/g, '\\|')); // a | in a cell (tar | gzip) is not a column
  });
  const head = ['', 'what', 'median (min–max)', 'side by side', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Machine-readable: for tracking the figures over time. */
export function toJson(figures: readonly Figure[]): object {
  return {
    when: new Date().toISOString(),
    node: process.version,
    figures: figures.map((f) => ({ ...f, ...stat(f.samples), ...verdict(f) })),
  };
}
