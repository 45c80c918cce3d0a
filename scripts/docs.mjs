// Writes every generated part of the docs from the files they describe, between
// `<!-- <part>:begin … -->` and `<!-- <part>:end -->` markers:
//   - each action's page (actions/<name>/README.md; the whole pipeline's: docs/pipeline.md):
//     its reference — how to use it, its inputs with defaults, its outputs and the permissions it
//     needs (the action.yml's `# permissions:` comment lines);
//   - README.md: one line per action linking to its page, and the PR pipeline workflow as
//     examples/workflows/pr-pipeline.yml has it.
// `npm run docs -- --check` fails when a generated part is not what its source says, or when a
// relative link of any Markdown page names a file that is not there (CI runs it, as check-dist).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as prettier from 'prettier';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');

/** The actions: the root one (the whole pipeline), then actions/<name>, by name. */
function actions() {
  const list = [];
  if (existsSync(join(root, 'action.yml')))
    list.push({ name: 'gantry', path: 'action.yml', uses: '', page: 'docs/pipeline.md' });
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const path = join('actions', name, 'action.yml');
    if (existsSync(join(root, path)))
      list.push({ name, path, uses: `/actions/${name}`, page: `actions/${name}/README.md` });
  }
  return list.map((a) => {
    const text = readFileSync(join(root, a.path), 'utf8');
    return { ...a, text, action: parse(text) };
  });
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

function reference({ uses, text, action }) {
  const kind =
    action.runs?.using === 'composite' ? 'composite' : `JavaScript, ${action.runs?.using}`;
  const out = [
    `## Reference (${kind})`,
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
  );
  return out.join('\n');
}

/** The first sentence of an action's description: its line in the README. */
const firstSentence = (s) =>
  cell(/^(.+?[.:;])(\s|$)/.exec(cell(s))?.[1] ?? s).replace(/[:;]$/, '.');

function actionList(list) {
  return [
    '| action | what it does |',
    '| --- | --- |',
    ...list.map(
      (a) =>
        `| [\`${a.uses ? a.name : 'gantry'}\`](${a.page}) | ${firstSentence(a.action.description)} |`,
    ),
  ].join('\n');
}

const marker = (part) => ({
  begin: `<!-- ${part}:begin — written by \`npm run docs\` -->`,
  end: `<!-- ${part}:end -->`,
});

/** `text` with each part's body between its markers (a page without them gets them appended). */
function withParts(file, text, parts) {
  for (const [part, body] of Object.entries(parts)) {
    const { begin, end } = marker(part);
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start) {
      text = `${text.trimEnd()}\n\n${begin}\n\n${body}\n\n${end}\n`;
      continue;
    }
    text = `${text.slice(0, start + begin.length)}\n\n${body}\n\n${text.slice(stop)}`;
  }
  return text;
}

const stale = [];
async function write(file, parts, fresh) {
  const path = join(root, file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const next = await prettier.format(withParts(file, current || fresh, parts), {
    ...(await prettier.resolveConfig(path)),
    filepath: path,
  });
  if (next === current) return;
  if (check) stale.push(file);
  else {
    writeFileSync(path, next);
    console.log(`${file}: written`);
  }
}

const list = actions();
for (const a of list)
  await write(
    a.page,
    { reference: reference(a) },
    `# ${a.uses ? a.name : 'gantry — the whole pipeline'}\n\n${cell(a.action.description)}\n`,
  );
const example = readFileSync(join(root, 'examples/workflows/pr-pipeline.yml'), 'utf8');
await write('README.md', {
  actions: actionList(list),
  'pr-pipeline': `\`\`\`yaml\n${example.trimEnd()}\n\`\`\``,
});

/** Every Markdown page of the project: a relative link names a file that is there. */
function pages() {
  const out = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md'].filter((f) =>
    existsSync(join(root, f)),
  );
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk('docs');
  for (const a of list) if (a.uses) out.push(a.page);
  return out;
}
const broken = [];
for (const page of pages()) {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (!target || /^[a-z]+:/.test(target)) continue;
    const path = join(root, dirname(page), target);
    if (!existsSync(path)) broken.push(`${page}: ${target} (${relative(root, path)})`);
  }
}

if (broken.length) {
  console.error(`Links to files that are not there:\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
if (stale.length) {
  console.error(
    `Not what the action.yml files and examples say: ${stale.join(', ')}; run \`npm run docs\` and commit.`,
  );
  process.exit(1);
}
console.log(check ? 'The docs match their sources; every link is there' : 'docs: up to date');
