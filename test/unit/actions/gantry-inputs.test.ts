import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  INPUT,
  rootInputOf,
  STAGE_INPUTS,
  stageInputs,
  type Stage,
} from '../../../src/actions/gantry/inputs.js';
import { withInputs } from '../../../src/runtime/inputs.js';
import { REPO_ROOT } from '../../harness/paths.js';

const inputsOf = (file: string) =>
  Object.keys(
    (parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as { inputs: Record<string, unknown> })
      .inputs,
  ).sort();

const STAGE_ACTION: Record<Stage, string> = {
  cache: 'go-cache',
  build: 'build-push',
  scan: 'scan',
  summary: 'summary',
  qemu: 'setup-qemu',
  buildkit: 'setup-buildkit',
};

describe("the root action's inputs", () => {
  it('are the ones its action.yml declares, and each reaches a stage that declares it', () => {
    const passed = new Set<string>(Object.values(INPUT));
    for (const [stage, map] of Object.entries(STAGE_INPUTS)) {
      const declared = inputsOf(`actions/${STAGE_ACTION[stage as Stage]}/action.yml`);
      for (const [own, root] of Object.entries(map)) {
        expect([stage, declared.includes(own)]).toEqual([stage, true]);
        passed.add(root);
      }
    }
    expect([...passed].sort()).toEqual(inputsOf('action.yml'));
  });

  it("take every input of every stage (but the image and attestations the root hands the scan, and the build's platforms it hands setup-qemu)", () => {
    const handed: Partial<Record<Stage, string[]>> = {
      scan: ['image', 'attestations'],
      qemu: ['platforms'],
    };
    for (const [stage, action] of Object.entries(STAGE_ACTION)) {
      const given = Object.keys(STAGE_INPUTS[stage as Stage]).sort();
      const declared = inputsOf(`actions/${action}/action.yml`).filter(
        (i) => !handed[stage as Stage]?.includes(i),
      );
      expect([stage, given]).toEqual([stage, declared]);
    }
  });

  it("give each stage only its own inputs, under its names, and restore the root's", async () => {
    const saved = { ...process.env };
    try {
      process.env['INPUT_CACHE-BACKEND'] = 'local';
      process.env['INPUT_CONTEXT'] = 'svc';
      process.env['INPUT_PASSWORD'] = 's3cret';
      const seen = await withInputs(stageInputs('cache'), async () =>
        Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('INPUT_'))),
      );
      // every go-cache input, under go-cache's names; nothing of another stage's
      expect(Object.keys(seen).sort()).toEqual(
        inputsOf('actions/go-cache/action.yml').map((i) => `INPUT_${i.toUpperCase()}`),
      );
      expect([seen.INPUT_BACKEND, seen['INPUT_WORKING-DIRECTORY'], seen.INPUT_SAVE]).toEqual([
        'local',
        'svc',
        '',
      ]);
      expect(process.env['INPUT_CACHE-BACKEND']).toBe('local');
      expect(process.env.INPUT_BACKEND).toBeUndefined();
      await expect(
        withInputs(stageInputs('build'), () => Promise.reject(new Error('failed'))),
      ).rejects.toThrow('failed');
      expect(process.env.INPUT_PASSWORD).toBe('s3cret');
      expect(process.env.INPUT_PLATFORMS).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it("name the root's input for a stage's", () => {
    expect(rootInputOf('cache', 'backend')).toBe('cache-backend');
    expect(rootInputOf('cache', 'working-directory')).toBe('context');
    expect(rootInputOf('scan', 'image')).toBeUndefined();
  });
});
