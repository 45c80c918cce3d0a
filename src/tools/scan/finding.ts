/** One finding of any scanner, as annotations, SARIF and the gate see it. */
export interface Finding {
  tool: 'hadolint' | 'trivy';
  /** DL3006, SC2154, CVE-2019-14697, DS-0002… */
  rule: string;
  /** The tool's own severity, lower case: hadolint error|warning|info|style; trivy critical|high|medium|low|unknown. */
  severity: string;
  message: string;
  /** Repository-relative file the finding is about (Dockerfile, go.mod), or the scanned target. */
  file: string;
  line?: number;
  url?: string;
  /** For vulnerabilities: the package, its version and the fixed version. */
  pkg?: { name: string; installed: string; fixed?: string };
}

/**
 * One scale for ranking and for the fail-on gate: trivy's CRITICAL/HIGH/MEDIUM/LOW/UNKNOWN and
 * hadolint's error/warning/info/style, each keeping its own name in the report.
 */
export const SEVERITY_RANK: Record<string, number> = {
  critical: 5,
  high: 4,
  error: 4,
  medium: 3,
  warning: 3,
  low: 2,
  info: 2,
  unknown: 1,
  style: 1,
};

export function rankOf(f: Pick<Finding, 'severity'>): number {
  return SEVERITY_RANK[f.severity] ?? 1;
}

/** Same rule, file, line and package once; then most severe first, then by file and line. */
export function dedupeAndRank(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = [
      f.tool,
      f.rule,
      f.file,
      f.line ?? '',
      f.pkg?.name ?? '',
      f.pkg?.installed ?? '',
    ].join('\u0000');
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()].sort(
    (a, b) =>
      rankOf(b) - rankOf(a) ||
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule),
  );
}

/** The names a `severity` or `fail-on` threshold may use: either tool's severities. */
export const SEVERITY_NAMES = Object.keys(SEVERITY_RANK);

/** Whether a finding is at or above a threshold on the one scale. */
export function atLeast(f: Pick<Finding, 'severity'>, threshold: string): boolean {
  return rankOf(f) >= (SEVERITY_RANK[threshold] ?? Infinity);
}

/** How GitHub and SARIF show a finding: error (critical, high, error), warning, or note. */
export function levelOf(f: Pick<Finding, 'severity'>): 'error' | 'warning' | 'note' {
  const r = rankOf(f);
  return r >= 4 ? 'error' : r === 3 ? 'warning' : 'note';
}

/** Counts by the tools' own severity names, most severe first. */
export function countBySeverity(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of [...findings].sort((a, b) => rankOf(b) - rankOf(a)))
    counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}
