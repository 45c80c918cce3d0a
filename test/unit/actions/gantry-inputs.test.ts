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
};

describe("the root action's inputs", () => {
  it('are the ones its action.yml declares, and each reaches a stage that declares it', () => {
    expect(Object.values(INPUT).sort()).toEqual(inputsOf('action.yml'));
    const passed = new Set<string>([INPUT.cache, INPUT.scan]);
    for (const [stage, map] of Object.entries(STAGE_INPUTS)) {
      const declared = inputsOf(`actions/${STAGE_ACTION[stage as Stage]}/action.yml`);
      for (const [own, root] of Object.entries(map)) {
        expect([stage, declared.includes(own)]).toEqual([stage, true]);
        passed.add(root);
      }
    }
    expect([...passed].sort()).toEqual(inputsOf('action.yml'));
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
      expect(seen).toEqual({
        INPUT_BACKEND: 'local',
        'INPUT_WORKING-DIRECTORY': 'svc',
        'INPUT_LOCAL-DIR': '',
        INPUT_SAVE: '',
      });
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
