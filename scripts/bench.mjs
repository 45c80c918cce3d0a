// Bundles bench/<name>.ts with ncc (as the actions are) and runs it: npm run bench -- <name>;
// npm run bench alone runs bench/suite.ts (P1–P5 in one table).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// no name: the whole suite (bench/suite.ts), every figure in one table
const name = process.argv[2] ?? 'suite';
const out = join(root, 'build', 'bench', name);
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
    'build',
    join(root, 'bench', `${name}.ts`),
    '-o',
    out,
    '--quiet',
    '--target',
    'es2022',
  ],
  { stdio: 'inherit', cwd: root },
);
execFileSync(process.execPath, [join(out, 'index.js'), ...process.argv.slice(3)], {
  env: { ...process.env, GANTRY_REPO_ROOT: root },
  stdio: 'inherit',
  cwd: root,
});
