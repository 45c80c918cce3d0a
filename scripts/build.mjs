// Bundles each src/entrypoints/<action>.ts into dist/<action>/index.js (ESM) with @vercel/ncc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import UglifyJS from 'uglify-js';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entries = readdirSync(join(root, 'src/entrypoints'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const only = process.argv.slice(2);

for (const name of entries) {
  if (only.length && !only.includes(name)) continue;
  const out = join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, 'src/entrypoints', `${name}.ts`),
      '-o',
      out,
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
      '--minify',
      '--quiet',
    ],
    { stdio: 'inherit', cwd: root },
  );
  // ncc emits ESM for a "type": "module" package; the runner needs to know it is ESM.
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
  // ncc copies files it believes the code reads at run time (a path.resolve(x, 'src', y) is
  // enough to ship a tree of node_modules); an action is its bundle and the chunks of the heavy
  // libraries and data it imports only when needed (`await import(…)`: @actions/tool-cache, the
  // Octokit, the static base's CA roots), so anything else is a mistake.
  const extra = readdirSync(out).filter(
    (f) => !['index.js', 'package.json', 'licenses.txt'].includes(f) && !/^\d+\.index\.js$/.test(f),
  );
  if (extra.length) {
    console.error(
      `dist/${name}: ncc emitted ${extra.join(', ')} beside index.js; find the path expression it read as an asset`,
    );
    process.exit(1);
  }
  // ncc minifies index.js but not the chunks: minify them the same way
  for (const chunk of readdirSync(out).filter((f) => /^\d+\.index\.js$/.test(f))) {
    const file = join(out, chunk);
    const r = UglifyJS.minify(readFileSync(file, 'utf8'), {
      module: true,
      compress: false,
      mangle: true,
      output: { comments: /^!|@license|@preserve/ },
    });
    if (r.error) throw r.error;
    writeFileSync(file, r.code);
  }
  console.log(`built dist/${name}/index.js`);
}
