/**
 * The runner's protocol, as every gantry action speaks it: inputs from INPUT_*, outputs, env,
 * PATH, state and the step summary through the runner's files, everything else as workflow
 * commands on stdout. The same names and behaviour as @actions/core — whose module graph
 * (its HTTP client and undici) cost every action ~0.1 s to load before doing anything.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';
import { delimiter } from 'node:path';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

function toCommandValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const escapeData = (s: string) =>
  s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::name key=value,…::message`, escaped as the runner unescapes it. */
function issueCommand(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: unknown,
): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  process.stdout.write(
    `::${name}${props ? ` ${props}` : ''}::${escapeData(toCommandValue(message))}${EOL}`,
  );
}

/** Appends to the runner file named by GITHUB_<command>; false when the runner gave none. */
function appendFileCommand(command: string, text: string): boolean {
  const file = process.env[`GITHUB_${command}`];
  if (!file) return false;
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${text}${EOL}`, { encoding: 'utf8' });
  return true;
}

/** `name<<delimiter` … `delimiter`: a value with any characters, newlines included. */
function keyValue(name: string, value: unknown): string {
  const marker = `ghadelimiter_${randomUUID()}`;
  const text = toCommandValue(value);
  if (name.includes(marker) || text.includes(marker))
    throw new Error(`Unexpected input: ${name} or its value contains the delimiter`);
  return `${name}<<${marker}${EOL}${text}${EOL}${marker}`;
}

export function getInput(
  name: string,
  opts: { required?: boolean; trimWhitespace?: boolean } = {},
): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  if (opts.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return opts.trimWhitespace === false ? value : value.trim();
}

export function setOutput(name: string, value: unknown): void {
  setOutputs.set(name, toCommandValue(value));
  if (!appendFileCommand('OUTPUT', keyValue(name, value)))
    issueCommand('set-output', { name }, toCommandValue(value));
}

export function exportVariable(name: string, value: unknown): void {
  process.env[name] = toCommandValue(value);
  if (!appendFileCommand('ENV', keyValue(name, value)))
    issueCommand('set-env', { name }, toCommandValue(value));
}

export function addPath(dir: string): void {
  if (!appendFileCommand('PATH', dir)) issueCommand('add-path', {}, dir);
  process.env.PATH = `${dir}${delimiter}${process.env.PATH ?? ''}`;
}

/**
 * What this process has saved and set: the root action runs go-cache's main and post, and hands
 * build-push's image to scan, in one process — the runner gives saved state only to a later post
 * process, and outputs only to later steps.
 */
const savedState = new Map<string, string>();
const setOutputs = new Map<string, string>();

export function saveState(name: string, value: unknown): void {
  if (!appendFileCommand('STATE', keyValue(name, value)))
    issueCommand('save-state', { name }, toCommandValue(value));
  savedState.set(name, toCommandValue(value));
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? savedState.get(name) ?? '';
}

/** An output this process set, or undefined. */
export function outputOf(name: string): string | undefined {
  return setOutputs.get(name);
}

/** Every value this process masked: a secret must not go where the log cannot mask it. */
const masked = new Set<string>();

/** Masks a value in every later line of the log. */
export function setSecret(secret: string): void {
  if (secret) masked.add(secret);
  issueCommand('add-mask', {}, secret);
}

/** Whether value holds a secret this process masked (the whole value, or within it). */
export function holdsSecret(value: string): boolean {
  for (const s of masked) if (s.length >= 4 && value.includes(s)) return true;
  return false;
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

function annotate(kind: string, message: string | Error, props: AnnotationProperties): void {
  issueCommand(
    kind,
    {
      title: props.title,
      file: props.file,
      line: props.startLine,
      endLine: props.endLine,
      col: props.startColumn,
      endColumn: props.endColumn,
    },
    message instanceof Error ? message.toString() : message,
  );
}

export function error(message: string | Error, props: AnnotationProperties = {}): void {
  annotate('error', message, props);
}

export function warning(message: string | Error, props: AnnotationProperties = {}): void {
  annotate('warning', message, props);
}

export function notice(message: string | Error, props: AnnotationProperties = {}): void {
  annotate('notice', message, props);
}

export function setFailed(message: string | Error): void {
  process.exitCode = 1;
  error(message);
}

/** Groups open: the log has no nested groups, so one inside another is a heading line in it. */
let openGroups = 0;

export function startGroup(name: string): void {
  if (openGroups++ > 0) info(`── ${name} ──`);
  else issueCommand('group', {}, name);
}

export function endGroup(): void {
  if (openGroups === 0) return;
  if (--openGroups === 0) issueCommand('endgroup', {}, '');
}

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
export function appendSummary(markdown: string): void {
  if (!appendFileCommand('STEP_SUMMARY', markdown))
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    );
}
