import { formatDelta, formatDuration, type PhaseRow } from './timing.js';

/** GitHub's limits: a step summary up to 1 MiB, an issue comment up to 65,536 characters. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
export const COMMENT_LIMIT = 65_536;

export interface ReportOptions {
  title: string;
  /** The hidden marker that finds the sticky comment again. */
  marker?: string;
  /** Shown when a baseline exists: e.g. `main`. */
  baselineRef?: string;
  limit: number;
}

/**
 * Text from the repository or a tool (a file name, a message, an image name), made inert for
 * GitHub's Markdown: HTML escaped, the punctuation that opens a link, image, emphasis, code or
 * table cell escaped, mentions and bare URLs broken with a zero-width space (no one is
 * notified, nothing is linked), newlines flattened. Plain words read as they were.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/@/g, '@&#8203;')
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}&#8203;.`)
    .replace(/\r?\n/g, ' ');
}

/** Task names in a Mermaid gantt: letters, digits and `./_+-` only (no `:`, `#`, markup). */
const ganttName = (s: string) =>
  s
    .replace(/[^\p{L}\p{N} ./_+-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim() || 'phase';

/** A Mermaid gantt of the phases, one section per action, times in ms from the job's first phase. */
export function renderGantt(rows: readonly PhaseRow[], title: string): string {
  const lines = ['gantt', `  title ${ganttName(title)}`, '  dateFormat x', '  axisFormat %M:%S'];
  let section = '';
  rows.forEach((r, i) => {
    if (r.action !== section) {
      section = r.action;
      lines.push(`  section ${ganttName(section)}`);
    }
    const end = r.start + Math.max(1, Math.round(r.ms));
    lines.push(
      `  ${ganttName(r.phase)} :${r.failed ? 'crit, ' : ''}p${i}, ${Math.round(r.start)}, ${end}`,
    );
  });
  return lines.join('\n');
}

function tableLine(r: PhaseRow): string {
  const time = r.baselineMs !== undefined ? formatDelta(r.baselineMs, r.ms) : formatDuration(r.ms);
  const share = `${Math.round(r.share * 100)}%`;
  return `| ${escapeMarkdown(r.action)} | ${escapeMarkdown(r.phase)}${r.failed ? ' ❌' : ''} | ${time} | ${share} | ${escapeMarkdown(r.notes)} |`;
}

/**
 * The report: a table of phases (time, share, notes; deltas against the base branch when known)
 * and a gantt chart. Rows are cut, longest kept, to stay within `limit` characters.
 */
export function renderReport(
  rows: readonly PhaseRow[],
  totalMs: number,
  opts: ReportOptions,
): string {
  const head = [
    ...(opts.marker ? [opts.marker] : []),
    `### ${opts.title}`,
    '',
    rows.length === 0
      ? 'No gantry phases were recorded in this job.'
      : `${rows.length} phases in ${formatDuration(totalMs)}${opts.baselineRef ? `, compared with the last run on \`${opts.baselineRef}\`` : ''}.`,
    '',
  ];
  if (rows.length === 0) return head.join('\n');
  const table = ['| action | phase | time | share | notes |', '| --- | --- | --- | --- | --- |'];
  const render = (kept: readonly PhaseRow[], cut: number) =>
    [
      ...head,
      ...table,
      ...kept.map(tableLine),
      ...(cut > 0 ? [`| … | ${cut} shorter phases not shown | | | |`] : []),
      '',
      '```mermaid',
      renderGantt(kept, opts.title),
      '```',
      '',
    ].join('\n');
  let kept = [...rows];
  let text = render(kept, 0);
  while (text.length > opts.limit && kept.length > 1) {
    const shortest = kept.reduce((a, b) => (b.ms < a.ms ? b : a));
    kept = kept.filter((r) => r !== shortest);
    text = render(kept, rows.length - kept.length);
  }
  return text.length > opts.limit ? text.slice(0, opts.limit) : text;
}
