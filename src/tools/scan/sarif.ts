import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { levelOf, type Finding } from './finding.js';

const TOOLS: Record<Finding['tool'], { informationUri: string }> = {
  hadolint: { informationUri: 'https://github.com/hadolint/hadolint' },
  trivy: { informationUri: 'https://github.com/aquasecurity/trivy' },
};

function result(f: Finding): Result {
  return {
    ruleId: f.rule,
    level: levelOf(f),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.file },
          ...(f.line ? { region: { startLine: f.line } } : {}),
        },
      },
    ],
    properties: { severity: f.severity, ...(f.pkg ? { package: f.pkg } : {}) },
  };
}

/**
 * One SARIF 2.1.0 log with a run per tool that ran (even with no findings), ready for
 * github/codeql-action/upload-sarif. Levels: error for critical/high/error, warning for
 * medium/warning, note otherwise; the tool's own severity is kept in properties.
 */
export function toSarif(
  findings: readonly Finding[],
  tools: Partial<Record<Finding['tool'], string>>,
): Log {
  const runs: Run[] = Object.entries(tools).map(([tool, version]) => {
    const mine = findings.filter((f) => f.tool === tool);
    const rules = new Map<string, ReportingDescriptor>();
    for (const f of mine)
      if (!rules.has(f.rule))
        rules.set(f.rule, {
          id: f.rule,
          ...(f.url ? { helpUri: f.url } : {}),
          defaultConfiguration: { level: levelOf(f) },
        });
    return {
      tool: {
        driver: {
          name: tool,
          ...(version ? { version: version.replace(/^v/, '') } : {}),
          informationUri: TOOLS[tool as Finding['tool']].informationUri,
          rules: [...rules.values()],
        },
      },
      results: mine.map(result),
    };
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs,
  };
}
