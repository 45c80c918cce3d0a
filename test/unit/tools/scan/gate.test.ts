import { planAnnotations } from '../../../../src/github/annotations.js';
import {
  atLeast,
  countBySeverity,
  levelOf,
  type Finding,
} from '../../../../src/tools/scan/finding.js';
import { renderScanSummary } from '../../../../src/tools/scan/report.js';
import { toSarif } from '../../../../src/tools/scan/sarif.js';

const f = (severity: string, i = 0, tool: Finding['tool'] = 'trivy'): Finding => ({
  tool,
  rule: `R${i}`,
  severity,
  message: `m|${i}`,
  file: 'Dockerfile',
  line: i + 1,
});

describe('severity scale', () => {
  it('puts both tools on one scale for the report and the gate', () => {
    expect(atLeast(f('critical'), 'high')).toBe(true);
    expect(atLeast(f('error'), 'high')).toBe(true);
    expect(atLeast(f('warning'), 'high')).toBe(false);
    expect(atLeast(f('medium'), 'warning')).toBe(true);
    expect(atLeast(f('style'), 'low')).toBe(false);
    expect(atLeast(f('style'), 'unknown')).toBe(true);
    expect(
      ['critical', 'error', 'medium', 'warning', 'low', 'info', 'unknown', 'style'].map((s) =>
        levelOf(f(s)),
      ),
    ).toEqual(['error', 'error', 'warning', 'warning', 'note', 'note', 'note', 'note']);
    expect(countBySeverity([f('low'), f('critical'), f('low')])).toEqual({ critical: 1, low: 2 });
    expect(Object.keys(countBySeverity([f('low'), f('critical')]))).toEqual(['critical', 'low']);
  });
});

describe('planAnnotations', () => {
  it('shows at most 10 of each kind, most severe first, and overflows the rest', () => {
    const ranked = [
      ...Array.from({ length: 12 }, (_, i) => f('high', i)),
      ...Array.from({ length: 3 }, (_, i) => f('medium', i)),
      ...Array.from({ length: 15 }, (_, i) => f('low', i)),
    ];
    const plan = planAnnotations(ranked);
    expect(plan.shown.map((x) => x.severity)).toEqual([
      ...Array(10).fill('high'),
      ...Array(3).fill('medium'),
      ...Array(10).fill('low'),
    ]);
    expect(plan.overflow).toHaveLength(7);
  });
});

describe('renderScanSummary', () => {
  it('states the gate and lists the overflow with escaped cells', () => {
    const md = renderScanSummary({
      reported: [f('high'), f('low', 1)],
      overflow: [f('low', 1)],
      failOn: 'high',
      failing: 1,
    });
    expect(md).toContain('2 findings (1 high, 1 low). **1 at or above high: the step fails.**');
    expect(md).toContain('| low | trivy | R1 | Dockerfile:2 | m\\|1 |');
    expect(renderScanSummary({ reported: [], overflow: [], failOn: 'none', failing: 0 })).toContain(
      '0 findings. No gate (fail-on: none).',
    );
  });
});

describe('toSarif', () => {
  it('writes a run per tool that ran, rules once, levels and locations', () => {
    const log = toSarif([f('high', 0), f('high', 0), f('style', 1, 'hadolint')], {
      trivy: 'v0.74.0',
      hadolint: 'system',
    });
    expect(log.runs.map((r) => r.tool.driver.name)).toEqual(['trivy', 'hadolint']);
    expect(log.runs[0]!.tool.driver.version).toBe('0.74.0');
    expect(log.runs[0]!.tool.driver.rules).toHaveLength(1);
    expect(log.runs[0]!.results?.[0]).toMatchObject({
      ruleId: 'R0',
      level: 'error',
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'Dockerfile' }, region: { startLine: 1 } } },
      ],
    });
    expect(log.runs[1]!.results?.[0]?.level).toBe('note');
    expect(toSarif([], { hadolint: 'v2.15.1' }).runs[0]!.results).toEqual([]);
  });
});
