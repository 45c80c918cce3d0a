import { readFileSync } from 'node:fs';
import { dedupeAndRank, rankOf, type Finding } from '../../../../src/tools/scan/finding.js';
import { goModLine, parseHadolintJson, parseTrivyJson } from '../../../../src/tools/scan/parse.js';
import { fixture } from '../../../harness/paths.js';

const read = (...p: string[]) => readFileSync(fixture(...p), 'utf8');
const count = (fs: Finding[]) =>
  fs.reduce<Record<string, number>>((m, f) => ((m[f.severity] = (m[f.severity] ?? 0) + 1), m), {});

describe('hadolint JSON', () => {
  it('matches hadolint’s own tty rendering of the same Dockerfile, finding by finding', () => {
    const findings = parseHadolintJson(read('hadolint', 'website-example.json'), 'Dockerfile');
    // tty: "-:<line> <code> <level>: <message>", an independent rendering of the same scan
    const tty = read('hadolint', 'website-example.v2.7.0.tty.txt')
      .trim()
      .split('\n')
      .map((l) => /^-:(\d+) (\S+) (\w+): (.*)$/.exec(l.trim())!)
      .map((m) => ({ line: Number(m[1]), rule: m[2], severity: m[3], message: m[4] }));
    expect(
      findings.map((f) => ({
        line: f.line,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
      })),
    ).toEqual(tty);
    expect(findings.map((f) => f.rule)).toEqual([
      'DL3006',
      'DL3015',
      'DL3009',
      'SC2154',
      'DL3045',
      'DL3003',
      'DL3016',
      'DL3011',
    ]);
    expect(findings.every((f) => f.file === 'Dockerfile')).toBe(true);
    expect(findings.find((f) => f.rule === 'SC2154')?.url).toBe(
      'https://www.shellcheck.net/wiki/SC2154',
    );
    expect(findings[0]?.url).toBe('https://github.com/hadolint/hadolint/wiki/DL3006');
  });

  it('keeps hadolint’s levels (no finding becomes an error that was not one)', () => {
    const findings = parseHadolintJson(read('hadolint', 'website-example.json'));
    expect(count(findings)).toEqual({ warning: 5, info: 2, error: 1 }); // as the tty rendering counts them
    expect(findings.every((f) => f.file === '-')).toBe(true);
    expect(parseHadolintJson('[]')).toEqual([]);
  });
});

describe('trivy JSON', () => {
  it('image scan of alpine 3.10: 4 MEDIUM vulnerabilities, the same rules and levels as trivy’s SARIF', () => {
    const findings = parseTrivyJson(read('trivy', 'image-alpine-3.10.json'));
    expect(count(findings)).toEqual({ medium: 4 });
    const sarif = JSON.parse(read('trivy', 'image-alpine-3.10.sarif')) as {
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    expect(findings.map((f) => f.rule).sort()).toEqual(
      sarif.runs[0]!.results.map((r) => r.ruleId).sort(),
    );
    expect(sarif.runs[0]!.results.every((r) => r.level === 'warning')).toBe(true);
    expect(findings[0]?.pkg?.name).toBeTruthy();
    expect(findings[0]?.message).toMatch(/ \(fixed in \S+\)$| \(no fix yet\)$/);
  });

  it('image scan of alpine 3.9 carries its CRITICAL findings, ranked first', () => {
    const findings = dedupeAndRank(parseTrivyJson(read('trivy', 'image-alpine-3.9.json')));
    expect(Object.keys(count(findings)).sort()).toEqual(['critical', 'medium']);
    expect(findings[0]?.severity).toBe('critical');
    expect(rankOf(findings[0]!)).toBeGreaterThan(rankOf(findings[findings.length - 1]!));
  });

  it('go.mod scan: 5 vulnerabilities across 3 go.mod files, placed on the module’s line in go.mod', () => {
    const goMod = read('trivy', 'fs-gomod.go.mod');
    const findings = parseTrivyJson(read('trivy', 'fs-gomod.json'), (p) =>
      p === 'go.mod' ? goMod : undefined,
    );
    expect(findings).toHaveLength(5);
    expect(Object.keys(count(findings)).sort()).toEqual(['medium', 'unknown']);
    expect(findings.filter((f) => f.file === 'go.mod')).toHaveLength(3);
    const distribution = findings.find((f) => f.pkg?.name === 'github.com/docker/distribution')!;
    const line = goMod.split('\n')[distribution.line! - 1]!;
    expect(line).toContain('github.com/docker/distribution');
    expect(findings.filter((f) => f.file !== 'go.mod').every((f) => f.line === undefined)).toBe(
      true,
    );
  });

  it('misconfiguration scan of a Dockerfile: DS-0002 HIGH', () => {
    const [f, ...rest] = parseTrivyJson(read('trivy', 'config-dockerfile.json'));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      rule: 'DS-0002',
      severity: 'high',
      file: 'Dockerfile',
      url: 'https://avd.aquasec.com/misconfig/ds-0002',
    });
    expect(f?.message).toBe(
      "Image user should not be 'root': Specify at least 1 USER command in Dockerfile with non-root user as argument",
    );
  });

  it.each(['zero-findings-image-no-results.json', 'zero-findings-config-terraform.json'])(
    '%s has no findings',
    (name) => {
      expect(parseTrivyJson(read('trivy', name))).toEqual([]);
    },
  );
});

describe('findings', () => {
  it('de-duplicates the same rule on the same place and ranks across tools', () => {
    const a: Finding = {
      tool: 'trivy',
      rule: 'CVE-1',
      severity: 'medium',
      message: 'm',
      file: 'go.mod',
      line: 5,
    };
    const b: Finding = {
      tool: 'hadolint',
      rule: 'DL3006',
      severity: 'error',
      message: 'e',
      file: 'Dockerfile',
      line: 1,
    };
    const c: Finding = {
      tool: 'hadolint',
      rule: 'DL3009',
      severity: 'style',
      message: 's',
      file: 'Dockerfile',
      line: 9,
    };
    expect(dedupeAndRank([c, a, b, a]).map((f) => f.rule)).toEqual(['DL3006', 'CVE-1', 'DL3009']);
  });

  it('finds a module in require blocks and single-line requires', () => {
    const goMod =
      'module x\n\nrequire github.com/a/b v1.0.0\n\nrequire (\n\tgithub.com/c/d v2.0.0 // indirect\n)\n';
    expect(goModLine(goMod, 'github.com/a/b')).toBe(3);
    expect(goModLine(goMod, 'github.com/c/d')).toBe(6);
    expect(goModLine(goMod, 'github.com/e/f')).toBeUndefined();
  });
});
