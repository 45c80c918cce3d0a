import { escapeMarkdown } from '../../report/markdown.js';
import { countBySeverity, type Finding } from './finding.js';

/**
 * Advisory pages a finding may link to (hadolint's rule pages, trivy's PrimaryURL sources); any
 * other URL a tool reports is shown as text.
 */
const ADVISORY_PAGES = [
  'https://avd.aquasec.com/',
  'https://github.com/hadolint/hadolint/wiki/',
  'https://www.shellcheck.net/wiki/',
  'https://github.com/advisories/',
  'https://nvd.nist.gov/',
  'https://cve.mitre.org/',
  'https://pkg.go.dev/vuln/',
  'https://access.redhat.com/security/',
  'https://security-tracker.debian.org/',
  'https://ubuntu.com/security/',
];

/** A rule, linked when its URL is an advisory page; text otherwise. */
function ruleCell(rule: string, url: string | undefined): string {
  const text = escapeMarkdown(rule);
  let href: string;
  try {
    href = new URL(url ?? '').toString();
  } catch {
    return text;
  }
  return ADVISORY_PAGES.some((p) => href.startsWith(p))
    ? `[${text}](${href.replace(/[()]/g, encodeURIComponent)})`
    : text;
}

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
    lines.push('', 'Scanned:', '', ...o.scanned.map((s) => `- ${escapeMarkdown(s)}`));
  if (o.overflow.length) {
    lines.push(
      '',
      `${o.overflow.length} findings beyond GitHub's annotation limits:`,
      '',
      '| severity | tool | rule | where | message |',
      '| --- | --- | --- | --- | --- |',
      ...o.overflow.map(
        (f) =>
          `| ${escapeMarkdown(f.severity)} | ${escapeMarkdown(f.tool)} | ${ruleCell(f.rule, f.url)} | ${escapeMarkdown(f.line ? `${f.file}:${f.line}` : f.file)} | ${escapeMarkdown(f.message)} |`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
