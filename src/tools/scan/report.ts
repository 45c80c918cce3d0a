import { escapeCell } from '../../report/markdown.js';

/** Advisory sites a finding may link to; any other URL a tool reports is shown as text. */
const ADVISORY_HOSTS = [
  'avd.aquasec.com',
  'github.com',
  'nvd.nist.gov',
  'cve.mitre.org',
  'pkg.go.dev',
  'access.redhat.com',
  'security-tracker.debian.org',
  'ubuntu.com',
];

/** A rule, linked when its URL is https on an advisory site; text otherwise. */
function ruleCell(rule: string, url: string | undefined): string {
  const text = escapeCell(rule);
  if (!url) return text;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return text;
  }
  const trusted =
    u.protocol === 'https:' &&
    !u.username &&
    ADVISORY_HOSTS.some((h) => u.hostname === h || u.hostname.endsWith(`.${h}`));
  return trusted ? `[${text}](${u.toString().replace(/[()]/g, encodeURIComponent)})` : text;
}
import { countBySeverity, type Finding } from './finding.js';

/**
 * The step summary of a scan: counts by severity, the gate's verdict, and a table of every
 * reported finding GitHub did not show as an annotation.
 */
export function renderScanSummary(o: {
  /** What was scanned for the image input: per platform, the image or its SBOM. */
  scanned?: readonly string[];
  reported: readonly Finding[];
  overflow: readonly Finding[];
  failOn: string;
  failing: number;
}): string {
  const counts = Object.entries(countBySeverity(o.reported))
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const lines = [
    '### gantry scan',
    '',
    `${o.reported.length} findings${counts ? ` (${counts})` : ''}. ` +
      (o.failOn === 'none'
        ? 'No gate (fail-on: none).'
        : o.failing
          ? `**${o.failing} at or above ${o.failOn}: the step fails.**`
          : `None at or above ${o.failOn}.`),
  ];
  if (o.scanned?.length)
    lines.push('', 'Scanned:', '', ...o.scanned.map((s) => `- ${escapeCell(s)}`));
  if (o.overflow.length) {
    lines.push(
      '',
      `${o.overflow.length} findings beyond GitHub's annotation limits:`,
      '',
      '| severity | tool | rule | where | message |',
      '| --- | --- | --- | --- | --- |',
      ...o.overflow.map(
        (f) =>
          `| ${escapeCell(f.severity)} | ${escapeCell(f.tool)} | ${ruleCell(f.rule, f.url)} | ${escapeCell(f.line ? `${f.file}:${f.line}` : f.file)} | ${escapeCell(f.message)} |`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
