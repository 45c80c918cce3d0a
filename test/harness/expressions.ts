import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';

/** Contexts an expression can read: inputs, env, steps, github, runner, job, matrix… */
export type Contexts = Record<string, unknown>;

export type JobStatus = 'success' | 'failure' | 'cancelled';

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function statusFunctions(status: JobStatus): FunctionDefinition[] {
  const fn = (name: string, value: boolean): FunctionDefinition => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  return [
    fn('success', status === 'success'),
    fn('failure', status === 'failure'),
    fn('cancelled', status === 'cancelled'),
    fn('always', true),
  ];
}

/** Evaluates one expression (the text inside `${{ }}`) with GitHub's own evaluator. */
export function evaluate(
  expression: string,
  contexts: Contexts,
  status: JobStatus = 'success',
): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const funcs = statusFunctions(status);
  const expr = new Parser(lexed.tokens, Object.keys(contexts), funcs).parse();
  const dict = new data.Dictionary(
    ...Object.entries(contexts).map(([key, v]) => ({ key, value: toData(v) })),
  );
  return new Evaluator(expr, dict, new Map(funcs.map((f) => [f.name.toLowerCase(), f]))).evaluate();
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/** Replaces every `${{ … }}` in text with the string form of its value, as the runner does. */
export function interpolate(
  text: string,
  contexts: Contexts,
  status: JobStatus = 'success',
): string {
  return text.replace(TEMPLATE, (_, expr: string) =>
    evaluate(expr, contexts, status).coerceString(),
  );
}

/**
 * A step's `if:`: with or without `${{ }}`; a condition that names no status function is
 * `success() && (…)`, as the runner adds.
 */
export function evaluateCondition(
  condition: string | undefined,
  contexts: Contexts,
  status: JobStatus,
): boolean {
  const text = (condition ?? '').trim();
  if (text === '') return status === 'success';
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text;
  const named = /\b(success|failure|always|cancelled)\s*\(/i.test(inner);
  const expression = named ? inner : `success() && (${inner})`;
  return truthy(evaluate(expression, contexts, status));
}
