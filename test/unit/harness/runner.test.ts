import { existsSync } from 'node:fs';
import { NODE24, REPO_ROOT } from '../../harness/paths.js';
import { inputEnvName, Job, runAction } from '../../harness/runner.js';

const ECHO = 'test/fixtures/actions/echo-node';

describe('harness: node actions', () => {
  it('mangles input names as the runner does', () => {
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
    expect(inputEnvName('db-repository')).toBe('INPUT_DB-REPOSITORY');
  });

  it('passes inputs with defaults and reads outputs, env, path, state, summary and commands', async () => {
    const { job, main, post } = await runAction(ECHO, {
      with: { 'my input': 'gantry' },
      event: { name: 'push', payload: 'event-push.json' },
    });
    try {
      expect(main.exitCode).toBe(0);
      expect(main.outputs.message).toBe('hello, gantry');
      expect(main.outputs.multiline).toBe('line one\nline two');
      expect(Number(main.outputs['token-length'])).toBeGreaterThan(0);
      expect(main.outputs['event-name']).toBe('push');
      // the runtime the action.yml declares, where test/node24 has it
      if (existsSync(NODE24)) expect(main.outputs['node-version']).toMatch(/^v24\./);
      expect(main.env).toEqual({ ECHO_EXPORTED: 'exported hello', ECHO_MULTI: 'a\nb' });
      expect(main.path).toEqual(['/opt/echo-node/bin']);
      expect(main.state.seen).toBe('{"greeting":"hello"}');
      expect(main.summary).toContain('<h1>echo-node</h1>');
      expect(main.warnings).toEqual(['a warning, with: punctuation']);
      expect(main.log).toContain('token-prefix ***');
      expect(main.log).not.toContain('ghs_');
      expect(main.commands.find((c) => c.command === 'warning')?.properties).toMatchObject({
        file: 'Dockerfile',
        line: '3',
      });
      expect(post?.outputs['post-saw']).toBe('hello');
      expect(post?.outputs['post-env']).toBe('exported hello');
      expect(job.env.ECHO_EXPORTED).toBe('exported hello');
    } finally {
      await job.cleanup();
    }
  });

  it('carries PATH additions to later steps and fails a step that calls setFailed', async () => {
    const job = await Job.create();
    try {
      await job.uses(ECHO);
      const second = await job.uses(ECHO, { with: { fail: 'true' } });
      expect(second.outputs['path-head']).toBe('/opt/echo-node/bin');
      expect(second.exitCode).toBe(1);
      expect(second.errors).toEqual(['asked to fail']);
      expect(job.status).toBe('failure');
      await job.runPosts();
      // post-if: success() — after a failed step the posts do not run
      expect(Object.keys(job.steps).filter((k) => k.startsWith('post-'))).toEqual([]);
    } finally {
      await job.cleanup();
    }
  });

  it('rejects inputs the action does not declare', async () => {
    const job = await Job.create();
    try {
      await expect(job.uses(ECHO, { with: { greting: 'typo' } })).rejects.toThrow(
        /unexpected input\(s\) greting/,
      );
    } finally {
      await job.cleanup();
    }
  });
});

describe('harness: composite actions', () => {
  it('evaluates expressions, runs steps in their shell, nests local actions and maps outputs', async () => {
    const job = await Job.create({ workspace: REPO_ROOT });
    try {
      const run = await job.uses('test/fixtures/actions/composite', {
        id: 'comp',
        with: { who: 'gophers' },
      });
      expect(run.exitCode).toBe(0);
      expect(run.steps.first?.outputs.name).toBe('gophers');
      expect(run.outputs.nested).toBe('hi, gophers');
      expect(run.outputs.result).toBe('hi, gophers/from-composite');
      expect(run.steps.skipped?.outcome).toBe('skipped');
      expect(run.steps['only-on-failure']?.outcome).toBe('skipped');
      expect(job.env.COMPOSITE_SET).toBe('from-composite');
      await job.runPosts();
      expect(job.steps['post-comp.nested']?.outputs['post-saw']).toBe('hi');
    } finally {
      await job.cleanup();
    }
  });

  it('runs a conditional step when its input expression is true', async () => {
    const job = await Job.create({ workspace: REPO_ROOT });
    try {
      const run = await job.uses('test/fixtures/actions/composite', { with: { shout: 'true' } });
      expect(run.steps.skipped?.outputs.text).toBe('SHOUTED');
    } finally {
      await job.cleanup();
    }
  });
});
