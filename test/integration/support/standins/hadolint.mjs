#!/usr/bin/env node
// STAND-IN for hadolint (the real binary cannot be fetched on the test machine): replays the
// recorded `--format json` output in STANDIN_HADOLINT_JSON (a fixture from test/fixtures/upstream) and
// records its argv in STANDIN_LOG.
import { readFileSync } from 'node:fs';
import { record } from './registry-push.mjs';

const argv = process.argv.slice(2);
record({ tool: 'hadolint', argv });
if (argv[0] === '--version') {
  console.log('Haskell Dockerfile Linter stand-in');
  process.exit(0);
}
process.stdout.write(
  process.env.STANDIN_HADOLINT_JSON ? readFileSync(process.env.STANDIN_HADOLINT_JSON) : '[]',
);
// hadolint exits 1 when it finds something unless --no-fail is given
process.exit(argv.includes('--no-fail') ? 0 : 1);
