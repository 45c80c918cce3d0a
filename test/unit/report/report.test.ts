import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineKey, DirectoryBaselineStore } from '../../../src/report/baseline.js';
import {
  COMMENT_LIMIT,
  escapeMarkdown,
  renderGantt,
  renderReport,
} from '../../../src/report/markdown.js';
import type { PhaseRow } from '../../../src/report/timing.js';
import type { Finding } from '../../../src/tools/scan/finding.js';
import { renderScanSummary } from '../../../src/tools/scan/report.js';
import {
  baselineOf,
  formatDelta,
  formatDuration,
  formatNotes,
  phaseRows,
} from '../../../src/report/timing.js';
import type { Phase } from '../../../src/runtime/timeline.js';

const phases: Phase[] = [
  {
    action: 'setup-qemu',
    phase: 'register',
    start: 1000,
    end: 1500,
    attrs: { registered: ['aarch64'] },
  },
  {
    action: 'build-push',
    phase: 'build linux/amd64',
    start: 1500,
    end: 73_500,
    attrs: { binaryBytes: 5_378_200 },
  },
  {
    action: 'build-push',
    phase: 'push',
    start: 73_500,
    end: 81_000,
    attrs: { failed: true, error: 'PUT …: 500' },
  },
];

describe('timing rows', () => {
  it.each([
    [850, '850ms'],
    [1500, '1.5s'],
    [41_000, '41s'],
    [72_000, '1m12s'],
    [3_720_000, '1h02m'],
  ])('formats %d ms as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('formats deltas against the base branch', () => {
    expect(formatDelta(72_000, 41_000)).toBe('1m12s → 41s (−43%)');
    expect(formatDelta(10_000, 15_000)).toBe('10s → 15s (+50%)');
    expect(formatDelta(10_000, 10_000)).toBe('10s → 10s (±0%)');
  });

  it('turns attrs into notes, bytes readable', () => {
    expect(
      formatNotes({
        cache: 'hit',
        bytesUploaded: 2_516_582,
        platforms: ['linux/amd64', 'linux/arm64'],
        failed: true,
        empty: '',
      }),
    ).toBe('cache hit; bytesUploaded 2.4 MiB; platforms linux/amd64, linux/arm64');
  });

  it('orders by start, computes shares of the wall time, and matches baselines by action/phase', () => {
    const { rows, totalMs } = phaseRows(
      phases,
      new Map([['build-push/build linux/amd64', 100_000]]),
    );
    expect(totalMs).toBe(80_000);
    expect(rows.map((r) => [r.phase, r.start, r.ms, Math.round(r.share * 100)])).toEqual([
      ['register', 0, 500, 1],
      ['build linux/amd64', 500, 72_000, 90],
      ['push', 72_500, 7500, 9],
    ]);
    expect(rows[1]?.baselineMs).toBe(100_000);
    expect(rows[2]?.failed).toBe(true);
    expect(baselineOf(phases)).toEqual({
      'setup-qemu/register': 500,
      'build-push/build linux/amd64': 72_000,
      'build-push/push': 7500,
    });
  });
});

describe('the report', () => {
  it('has the marker, a table with deltas, and a gantt with one section per action', () => {
    const { rows, totalMs } = phaseRows(
      phases,
      new Map([['build-push/build linux/amd64', 100_000]]),
    );
    const md = renderReport(rows, totalMs, {
      title: 'gantry',
      marker: '<!-- m -->',
      baselineRef: 'main',
      limit: 65_536,
    });
    expect(md.split('\n')[0]).toBe('<!-- m -->');
    expect(md).toContain('3 phases in 1m20s, compared with the last run on `main`.');
    expect(md).toContain(
      '| build-push | build linux/amd64 | 1m40s → 1m12s (−28%) | 90% | binaryBytes 5.1 MiB |',
    );
    expect(md).toContain('| build-push | push ❌ | 7.5s | 9% | error: PUT …: 500 |');
    expect(renderGantt(rows, 'gantry')).toBe(
      [
        'gantt',
        '  title gantry',
        '  dateFormat x',
        '  axisFormat %M:%S',
        '  section setup-qemu',
        '  register :p0, 0, 500',
        '  section build-push',
        '  build linux/amd64 :p1, 500, 72500',
        '  push :crit, p2, 72500, 80000',
      ].join('\n'),
    );
  });

  it('stays within the limit by dropping the shortest phases and saying so', () => {
    const many: Phase[] = Array.from({ length: 400 }, (_, i) => ({
      action: 'build-push',
      phase: `build linux/arch${i}`,
      start: i * 10,
      end: i * 10 + 5 + i,
      attrs: { note: 'x'.repeat(200) },
    }));
    const { rows, totalMs } = phaseRows(many);
    const md = renderReport(rows, totalMs, { title: 't', limit: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/\| … \| \d+ shorter phases not shown \|/);
    expect(md).toContain('build linux/arch399');
    expect(md).not.toContain('build linux/arch0 |');
  });

  it('says when nothing was recorded', () => {
    expect(renderReport([], 0, { title: 't', limit: 1000 })).toContain(
      'No gantry phases were recorded in this job.',
    );
  });
});

describe('baseline store', () => {
  it('saves and loads per workflow and branch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
    try {
      const store = new DirectoryBaselineStore(join(dir, 'nested'));
      expect(await store.load(baselineKey('ci', 'main'))).toBeUndefined();
      await store.save(baselineKey('ci', 'main'), { 'a/b': 12 });
      expect(await store.load(baselineKey('ci', 'main'))).toEqual({ 'a/b': 12 });
      expect(baselineKey('CI build', 'feature/x')).toBe('gantry-timing-CI_build-feature_x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('text from the repository or a tool, in Markdown', () => {
  const hostile =
    'cmd/@octocat [click](https://evil.example) <img src=x onerror=alert(1)> www.evil.example';
  /** What GitHub would make live: a mention, a link, an autolink, an HTML tag. */
  const live = (md: string) => [
    ...(md.match(/(^|[^&#\w])@[A-Za-z0-9-]+/g) ?? []),
    ...(md.match(/(^|[^\\])\]\(/g) ?? []),
    ...(md.match(/https?:\/\//g) ?? []),
    ...(md.match(/\bwww\.[a-z]/gi) ?? []),
    ...(md.match(/<[a-z]/gi) ?? []),
  ];

  it('escapeMarkdown leaves nothing live, and plain words as they were', () => {
    expect(live(escapeMarkdown(hostile))).toEqual([]);
    expect(escapeMarkdown('build linux/arm64')).toBe('build linux/arm64');
    expect(escapeMarkdown('a|b\nc')).toBe('a\\|b c');
  });

  it('the report renders a phase and notes with such a file name inert', () => {
    const md = renderReport(
      [
        {
          action: 'scan',
          phase: `hadolint ${hostile}/Dockerfile`,
          ms: 1000,
          start: 0,
          share: 1,
          notes: hostile,
          failed: false,
        } as PhaseRow,
      ],
      1000,
      { title: 'gantry', limit: COMMENT_LIMIT },
    );
    // a fenced code block is not Markdown; the gantt inside it keeps only plain characters
    const [text, gantt] = md.split('```mermaid');
    expect(live(text!)).toEqual([]);
    expect(md).toContain('@&#8203;octocat');
    expect(gantt).not.toMatch(/[@[\]()<>]/);
  });

  it('the scan summary renders files, messages and rules inert; links only to advisory sites', () => {
    const finding = (over: Partial<Finding>): Finding =>
      ({
        tool: 'trivy',
        rule: 'CVE-2024-0001',
        severity: 'high',
        file: `${hostile}/go.mod`,
        message: hostile,
        ...over,
      }) as Finding;
    const md = renderScanSummary({
      scanned: [hostile],
      reported: [],
      overflow: [
        finding({ url: 'https://evil.example/x' }),
        finding({ rule: 'CVE-2024-0002', url: 'https://avd.aquasec.com/nvd/cve-2024-0002' }),
      ],
      failOn: 'none',
      failing: 0,
    });
    expect(md).toContain('[CVE-2024-0002](https://avd.aquasec.com/nvd/cve-2024-0002)');
    expect(md).not.toContain('evil.example/x');
    expect(
      live(md.replace('[CVE-2024-0002](https://avd.aquasec.com/nvd/cve-2024-0002)', '')),
    ).toEqual([]);
  });
});
