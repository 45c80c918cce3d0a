// Rebuilds dist/ and fails if the result differs from what is committed.
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [new URL('./build.mjs', import.meta.url).pathname], {
  stdio: 'inherit',
  cwd: root,
});
const diff = execFileSync('git', ['status', '--porcelain', '--', 'dist'], {
  cwd: root,
  encoding: 'utf8',
});
if (diff.trim()) {
  console.error('dist/ is out of date with src/: run `npm run build` and commit dist/.\n' + diff);
  execFileSync('git', ['--no-pager', 'diff', '--stat', '--', 'dist'], {
    stdio: 'inherit',
    cwd: root,
  });
  process.exit(1);
}
console.log('dist/ matches src/');
