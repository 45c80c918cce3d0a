// Bundles bench/<name>.ts with ncc (as the actions are) and runs it: npm run bench -- <name>
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const name = process.argv[2];
if (!name) {
  console.error('usage: npm run bench -- <name>   (a file bench/<name>.ts)');
  process.exit(2);
}
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
