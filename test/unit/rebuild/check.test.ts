import { decide, newerGoPatch, readRecorded } from '../../../src/rebuild/check.js';

describe('rebuild-check decisions', () => {
  // go.dev/dl/?mode=json lists newest first, stable and release candidates
  const releases = [
    { version: 'go1.24.1', stable: true },
    { version: 'go1.24rc1', stable: false },
    { version: 'go1.23.7', stable: true },
    { version: 'go1.23.6', stable: true },
    { version: 'go1.22.12', stable: true },
  ];
  it.each([
    ['go1.23.4', 'go1.23.7'],
    ['go1.23.7', undefined],
    ['go1.23', 'go1.23.7'],
    ['go1.22.12', undefined],
    ['go1.21.0', undefined],
    ['devel +abc', undefined],
  ])('the newest patch of %s is %s', (v, want) => expect(newerGoPatch(v, releases)).toBe(want));

  it('reads what an image records; a base override replaces the recorded name', () => {
    const annotations = {
      'org.opencontainers.image.base.name': 'r/base:1',
      'org.opencontainers.image.base.digest': 'sha256:aa',
      'dev.gantry.base.stages': '[{"stage":"build","name":"golang:1.23","digest":"sha256:bb"}]',
      'dev.gantry.go.version': 'go1.23.4',
    };
    expect(readRecorded('linux/arm64', annotations)).toEqual({
      platform: 'linux/arm64',
      base: { name: 'r/base:1', digest: 'sha256:aa' },
      stages: [{ stage: 'build', name: 'golang:1.23', digest: 'sha256:bb' }],
      go: 'go1.23.4',
    });
    expect(readRecorded('linux/arm64', annotations, 'r/base:2').base?.name).toBe('r/base:2');
    expect(readRecorded('linux/amd64', { 'dev.gantry.base.stages': 'not json' })).toEqual({
      platform: 'linux/amd64',
      stages: [],
    });
  });

  it('a rebase suffices only when nothing but final bases moved', () => {
    const base = { platform: 'linux/amd64', what: 'base', from: 'a', to: 'b' };
    expect(decide([], true)).toEqual({ needed: false, rebase: false });
    expect(decide([base], true)).toEqual({ needed: true, rebase: true });
    expect(decide([base], false)).toEqual({ needed: true, rebase: false });
    expect(decide([base, { ...base, what: 'stage build' }], true).rebase).toBe(false);
    expect(decide([base, { ...base, what: 'go' }], true).rebase).toBe(false);
  });
});
