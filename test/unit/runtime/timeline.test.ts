import { jest } from '@jest/globals';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTimeline, Timeline } from '../../../src/runtime/timeline.js';

describe('timeline recorder', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'timeline-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one record per phase with the clock times and the attrs the phase added', async () => {
    let t = 1000;
    const file = join(dir, 'sub', 'timeline.jsonl');
    const tl = new Timeline('setup-qemu', { file, now: () => (t += 250) });
    const value = await tl.phase('install', (attrs) => {
      attrs.cache = 'hit';
      return 42;
    });
    await tl.phase('register', async () => undefined, { arches: ['aarch64'] });
    expect(value).toBe(42);
    expect(readTimeline(file)).toEqual([
      { action: 'setup-qemu', phase: 'install', start: 1250, end: 1500, attrs: { cache: 'hit' } },
      {
        action: 'setup-qemu',
        phase: 'register',
        start: 1750,
        end: 2000,
        attrs: { arches: ['aarch64'] },
      },
    ]);
  });

  it('says in the log when each phase starts and how it ended', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk).trimEnd());
      return true;
    });
    try {
      let t = 0;
      const tl = new Timeline('build-push', { file: join(dir, 't.jsonl'), now: () => (t += 1500) });
      await tl.phase('build linux/arm64', () => undefined);
      await tl.phase('push', () => Promise.reject(new Error('no'))).catch(() => undefined);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      '▶ build-push: build linux/arm64',
      '✓ build-push: build linux/arm64 done in 1.50 s',
      '▶ build-push: push',
      '✗ build-push: push failed in 1.50 s',
    ]);
  });

  it('records a failed phase and rethrows', async () => {
    const file = join(dir, 't.jsonl');
    const tl = new Timeline('build-push', { file });
    await expect(
      tl.phase('push', () => Promise.reject(new Error('registry said no\nmore'))),
    ).rejects.toThrow('registry said no');
    const [p] = readTimeline(file);
    expect(p?.attrs).toEqual({ failed: true, error: 'registry said no' });
    expect(p!.end).toBeGreaterThanOrEqual(p!.start);
  });

  it('shares one file between actions and skips torn lines', async () => {
    const file = join(dir, 't.jsonl');
    await new Timeline('a', { file }).phase('one', () => undefined);
    appendFileSync(file, '{"action":"b","pha');
    appendFileSync(file, '\n{"not":"a phase"}\n');
    await new Timeline('b', { file }).phase('two', () => undefined);
    expect(readTimeline(file).map((p) => `${p.action}/${p.phase}`)).toEqual(['a/one', 'b/two']);
    expect(readTimeline(join(dir, 'missing.jsonl'))).toEqual([]);
  });
});
