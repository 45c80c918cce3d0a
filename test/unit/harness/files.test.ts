import { evaluate, evaluateCondition, interpolate } from '../../harness/expressions.js';
import { parseKeyValueFile, parseWorkflowCommands } from '../../harness/files.js';

describe('harness: command files', () => {
  it('parses key=value and heredoc forms', () => {
    const text = 'a=1\nb<<ghadelimiter_x\nline 1\nline=2\nghadelimiter_x\nc=x=y\n';
    expect(parseKeyValueFile(text)).toEqual({ a: '1', b: 'line 1\nline=2', c: 'x=y' });
  });

  it('rejects an unterminated heredoc and a bare line', () => {
    expect(() => parseKeyValueFile('b<<EOF\nno end\n')).toThrow(/no closing EOF/);
    expect(() => parseKeyValueFile('justtext\n')).toThrow(/neither key=value/);
  });

  it('parses workflow commands with escaped properties and data', () => {
    const [c] = parseWorkflowCommands('noise\n::error file=a%2Cb.txt,line=4::bad%0Anews 100%25\n');
    expect(c).toEqual({
      command: 'error',
      properties: { file: 'a,b.txt', line: '4' },
      message: 'bad\nnews 100%',
    });
  });
});

describe('harness: expressions', () => {
  const ctx = {
    inputs: { a: 'x', n: '3' },
    steps: { s: { outputs: { v: 'out' } } },
    github: { event_name: 'pull_request' },
  };

  it('interpolates with the official evaluator', () => {
    expect(
      interpolate(
        "${{ inputs.a }}-${{ steps.s.outputs.v }}-${{ format('{0}!', github.event_name) }}",
        ctx,
      ),
    ).toBe('x-out-pull_request!');
    expect(evaluate('contains(fromJSON(\'["a","b"]\'), \'b\')', ctx).coerceString()).toBe('true');
  });

  it('adds success() to conditions without a status function, as the runner does', () => {
    expect(evaluateCondition("inputs.a == 'x'", ctx, 'success')).toBe(true);
    expect(evaluateCondition("inputs.a == 'x'", ctx, 'failure')).toBe(false);
    expect(evaluateCondition("${{ always() && inputs.a == 'x' }}", ctx, 'failure')).toBe(true);
    expect(evaluateCondition('failure()', ctx, 'success')).toBe(false);
    expect(evaluateCondition(undefined, ctx, 'failure')).toBe(false);
  });
});
