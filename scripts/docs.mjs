// Writes the reference part of README.md from the action.yml files: for every action, what it
// does, how to use it, its inputs with defaults, its outputs and the permissions it needs (from
// the action.yml's `# permissions:` comment lines). `npm run docs -- --check` fails when README.md
// is not what the action.yml files say (CI runs it, as check-dist for dist/).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const README = join(root, 'README.md');
const BEGIN = '<!-- reference:begin — written by `npm run docs` from the action.yml files -->';
const END = '<!-- reference:end -->';

/** The actions: the root one (the whole pipeline), then actions/<name>, by name. */
function actionFiles() {
  const files = [];
  if (existsSync(join(root, 'action.yml'))) files.push({ path: 'action.yml', uses: '' });
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const path = join('actions', name, 'action.yml');
    if (existsSync(join(root, path))) files.push({ path, uses: `/actions/${name}` });
  }
  return files;
}

const cell = (s) =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

/** `# permissions: <scope>: <level> — why` lines, in order. */
function permissions(text) {
  return text
    .split('\n')
    .map((l) => /^#\s*permissions:\s*(.+)$/.exec(l.trim())?.[1])
    .filter(Boolean);
}

function section({ path, uses }) {
  const text = readFileSync(join(root, path), 'utf8');
  const action = parse(text);
  const kind =
    action.runs?.using === 'composite' ? 'composite' : `JavaScript, ${action.runs?.using}`;
  const out = [
    `### \`${uses ? uses.slice('/actions/'.length) : 'gantry'}\` (${kind})`,
    '',
    cell(action.description),
    '',
    '```yaml',
    `- uses: <owner>/gantry${uses}@<commit sha>`,
    '```',
    '',
  ];
  const inputs = Object.entries(action.inputs ?? {});
  if (inputs.length) {
    out.push('| input | default | description |', '| --- | --- | --- |');
    for (const [name, spec] of inputs) {
      const def =
        spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``;
      const required = spec.required === true ? ' (required)' : '';
      out.push(`| \`${name}\`${required} | ${def} | ${cell(spec.description)} |`);
    }
    out.push('');
  }
  const outputs = Object.entries(action.outputs ?? {});
  if (outputs.length) {
    out.push('| output | description |', '| --- | --- |');
    for (const [name, spec] of outputs) out.push(`| \`${name}\` | ${cell(spec.description)} |`);
    out.push('');
  }
  const perms = permissions(text);
  out.push(
    `Permissions: ${perms.length ? perms.map(cell).join('; ') : 'none beyond the default `contents: read`'}.`,
    '',
  );
  return out.join('\n');
}

const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(BEGIN);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${BEGIN} … ${END} part to write`);
  process.exit(1);
}
const body = actionFiles().map(section).join('\n');
const next = await prettier.format(
  `${readme.slice(0, start + BEGIN.length)}\n\n${body}\n${readme.slice(end)}`,
  { ...(await prettier.resolveConfig(README)), filepath: README },
);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md differs from the action.yml files: run `npm run docs` and commit it.');
    process.exit(1);
  }
  console.log('README.md matches the action.yml files');
} else if (next !== readme) {
  writeFileSync(README, next);
  console.log('README.md: reference written from the action.yml files');
}
