import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as core from '../../../src/runtime/core.js';
import { parseKeyValueFile, parsePathFile, parseWorkflowCommands } from '../../harness/files.js';

describe('the runner protocol', () => {
  let dir: string;
  let out: string[];
  const saved = { ...process.env };
  const files = ['OUTPUT', 'ENV', 'PATH', 'STATE', 'STEP_SUMMARY'] as const;
  const read = (f: (typeof files)[number]) => readFileSync(join(dir, f), 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'core-'));
    for (const f of files) {
      writeFileSync(join(dir, f), '');
      process.env[`GITHUB_${f}`] = join(dir, f);
    }
    out = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads inputs as the runner passes them: spaces as underscores, trimmed unless asked', () => {
    process.env.INPUT_BUILD_ARGS = '  A=1\n';
    expect(core.getInput('build args')).toBe('A=1');
    expect(core.getInput('build args', { trimWhitespace: false })).toBe('  A=1\n');
    expect(core.getInput('missing')).toBe('');
    expect(() => core.getInput('missing', { required: true })).toThrow(
      'Input required and not supplied: missing',
    );
  });

  it('writes outputs, env and state as heredocs the runner parses back, any value', () => {
    const tricky = 'line one\nname<<EOF\n%25 and :,';
    core.setOutput('digest', tricky);
    core.setOutput('json', { a: [1, 2] });
    core.exportVariable('BUILDKIT_HOST', 'unix:///run/buildkit.sock');
    core.saveState('marker', 'true');
    expect(parseKeyValueFile(read('OUTPUT'))).toEqual({ digest: tricky, json: '{"a":[1,2]}' });
    expect(parseKeyValueFile(read('ENV'))).toEqual({
      BUILDKIT_HOST: 'unix:///run/buildkit.sock',
    });
    expect(process.env.BUILDKIT_HOST).toBe('unix:///run/buildkit.sock');
    expect(parseKeyValueFile(read('STATE'))).toEqual({ marker: 'true' });
    process.env.STATE_marker = 'true';
    expect(core.getState('marker')).toBe('true');
    expect(core.getState('other')).toBe('');
  });

  it('gives a post run in the same process the state its main saved, and the outputs set', () => {
    core.saveState('go-cache', { key: 'k' });
    expect(parseKeyValueFile(read('STATE'))).toEqual({ 'go-cache': '{"key":"k"}' });
    // the root action runs go-cache's post in the process its main ran in: no STATE_* there
    expect(JSON.parse(core.getState('go-cache'))).toEqual({ key: 'k' });
    process.env['STATE_go-cache'] = 'from the runner';
    expect(core.getState('go-cache')).toBe('from the runner');
    delete process.env['STATE_go-cache'];
    expect(core.getState('never-saved')).toBe('');
    core.setOutput('image', 'r/x@sha256:00');
    core.setOutput('image', 'r/x@sha256:01');
    expect(core.outputOf('image')).toBe('r/x@sha256:01');
    expect(core.outputOf('never-set')).toBeUndefined();
  });

  it('adds to PATH for later steps and this one', () => {
    process.env.PATH = '/usr/bin';
    core.addPath('/opt/tool/bin');
    expect(parsePathFile(read('PATH'))).toEqual(['/opt/tool/bin']);
    expect(process.env.PATH).toBe(`/opt/tool/bin${delimiter}/usr/bin`);
  });

  it('prints annotations, masks and groups as workflow commands, escaped both ways', () => {
    core.warning('50% done\nnext line', {
      title: 'a: b, c',
      file: 'Dockerfile',
      startLine: 3,
      startColumn: 7,
    });
    core.notice('plain');
    core.setSecret('s3cr3t');
    core.startGroup('push');
    core.endGroup();
    const commands = parseWorkflowCommands(out.join(''));
    expect(commands.slice(0, 5)).toEqual([
      {
        command: 'warning',
        properties: { title: 'a: b, c', file: 'Dockerfile', line: '3', col: '7' },
        message: '50% done\nnext line',
      },
      { command: 'notice', properties: {}, message: 'plain' },
      { command: 'add-mask', properties: {}, message: 's3cr3t' },
      { command: 'group', properties: {}, message: 'push' },
      { command: 'endgroup', properties: {}, message: '' },
    ]);
    expect(out[0]).toBe(
      '::warning title=a%3A b%2C c,file=Dockerfile,line=3,col=7::50%25 done%0Anext line\n',
    );
  });

  it('keeps one level of groups, as the log shows: a group in a group is a heading line', () => {
    core.startGroup('build-push');
    core.startGroup('buildctl build');
    core.info('#1 done');
    core.endGroup();
    core.info('pushed');
    core.endGroup();
    core.endGroup(); // one too many: nothing
    core.startGroup('summary');
    core.endGroup();
    expect(out.join('')).toBe(
      [
        '::group::build-push',
        '── buildctl build ──',
        '#1 done',
        'pushed',
        '::endgroup::',
        '::group::summary',
        '::endgroup::',
        '',
      ].join('\n'),
    );
  });

  it('fails the step with an error annotation and exit code 1', () => {
    core.setFailed('Input "platforms": linux/sparc is not a platform');
    expect(process.exitCode).toBe(1);
    expect(out).toEqual(['::error::Input "platforms": linux/sparc is not a platform\n']);
  });

  it('appends to the job summary, and says so when the runner has none', () => {
    core.appendSummary('## one');
    core.appendSummary('## two');
    expect(read('STEP_SUMMARY')).toBe('## one\n## two\n');
    delete process.env.GITHUB_STEP_SUMMARY;
    expect(() => core.appendSummary('x')).toThrow('GITHUB_STEP_SUMMARY');
  });

  it('falls back to commands on stdout without the runner files', () => {
    delete process.env.GITHUB_OUTPUT;
    core.setOutput('digest', 'sha256:abc');
    expect(parseWorkflowCommands(out.join(''))).toEqual([
      { command: 'set-output', properties: { name: 'digest' }, message: 'sha256:abc' },
    ]);
  });
});
