import type { Finding } from './finding.js';

interface HadolintItem {
  code: string;
  file: string;
  level: string;
  line: number;
  message: string;
}

/** The rule's documentation: hadolint's wiki for DL rules, ShellCheck's for SC rules. */
export function hadolintRuleUrl(code: string): string | undefined {
  if (/^DL\d+$/.test(code)) return `https://github.com/hadolint/hadolint/wiki/${code}`;
  if (/^SC\d+$/.test(code)) return `https://www.shellcheck.net/wiki/${code}`;
  return undefined;
}

/**
 * `hadolint --format json`: findings keep hadolint's own level. A Dockerfile read from stdin is
 * reported as file "-": `file` names it.
 */
export function parseHadolintJson(text: string, file?: string): Finding[] {
  const items = JSON.parse(text) as HadolintItem[];
  return items.map((i) => {
    const url = hadolintRuleUrl(i.code);
    return {
      tool: 'hadolint' as const,
      rule: i.code,
      severity: i.level.toLowerCase(),
      message: i.message,
      file: i.file === '-' && file ? file : i.file,
      line: i.line,
      ...(url ? { url } : {}),
    };
  });
}

interface TrivyReport {
  Results?: {
    Target: string;
    Class?: string;
    Type?: string;
    Vulnerabilities?: {
      VulnerabilityID: string;
      PkgName: string;
      InstalledVersion: string;
      FixedVersion?: string;
      Severity: string;
      Title?: string;
      Description?: string;
      PrimaryURL?: string;
    }[];
    Misconfigurations?: {
      ID: string;
      AVDID?: string;
      Title?: string;
      Message?: string;
      Severity: string;
      PrimaryURL?: string;
      Status?: string;
      CauseMetadata?: { StartLine?: number };
    }[];
  }[];
}

/** The line of `module` in a go.mod (a require line or block entry), for annotating it in place. */
export function goModLine(goMod: string, module: string): number | undefined {
  const lines = goMod.split('\n');
  const at = lines.findIndex((l) => {
    const words = l
      .trim()
      .replace(/^require\s+/, '')
      .split(/\s+/);
    return words[0] === module;
  });
  return at >= 0 ? at + 1 : undefined;
}

/**
 * `trivy … --format json` (schema 2): vulnerabilities and failed misconfigurations. Results of
 * a go.mod target are placed on the module's line when `readFile` can read that go.mod.
 */
export function parseTrivyJson(
  text: string,
  readFile?: (path: string) => string | undefined,
): Finding[] {
  const report = JSON.parse(text) as TrivyReport;
  const findings: Finding[] = [];
  for (const result of report.Results ?? []) {
    const goMod = result.Type === 'gomod' ? readFile?.(result.Target) : undefined;
    for (const v of result.Vulnerabilities ?? []) {
      const line = goMod !== undefined ? goModLine(goMod, v.PkgName) : undefined;
      findings.push({
        tool: 'trivy',
        rule: v.VulnerabilityID,
        severity: v.Severity.toLowerCase(),
        message: `${v.PkgName} ${v.InstalledVersion}: ${v.Title ?? v.Description ?? v.VulnerabilityID}${v.FixedVersion ? ` (fixed in ${v.FixedVersion})` : ' (no fix yet)'}`,
        file: result.Target,
        ...(line ? { line } : {}),
        ...(v.PrimaryURL ? { url: v.PrimaryURL } : {}),
        pkg: {
          name: v.PkgName,
          installed: v.InstalledVersion,
          ...(v.FixedVersion ? { fixed: v.FixedVersion } : {}),
        },
      });
    }
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status && m.Status !== 'FAIL') continue;
      findings.push({
        tool: 'trivy',
        rule: m.ID,
        severity: m.Severity.toLowerCase(),
        message: [m.Title, m.Message].filter(Boolean).join(': '),
        file: result.Target,
        ...(m.CauseMetadata?.StartLine ? { line: m.CauseMetadata.StartLine } : {}),
        ...(m.PrimaryURL ? { url: m.PrimaryURL } : {}),
      });
    }
  }
  return findings;
}
