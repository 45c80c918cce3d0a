// The main job on a built-in default: build examples/hello-go for linux/amd64 and linux/arm64
// with the build-push action (as the runner runs it) into an OCI layout — or push it when given
// a registry image name:  npm run demo [-- <registry>/<repository>]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const image = process.argv[2] ?? process.env.GANTRY_DEMO_IMAGE ?? '';
const go = spawnSync(process.env.GANTRY_GO || 'go', ['version'], { encoding: 'utf8' });
if (go.status !== 0) {
  console.error(
    'demo: go is not on PATH; install Go 1.22+ (Debian: golang-1.23-go from bookworm-backports, then put /usr/lib/go-1.23/bin on PATH) or set GANTRY_GO',
  );
  process.exit(1);
}

const temp = mkdtempSync(join(tmpdir(), 'gantry-demo-'));
const files = Object.fromEntries(
  ['output', 'env', 'path', 'state', 'summary'].map((f) => [f, join(temp, f)]),
);
Object.values(files).forEach((f) => writeFileSync(f, ''));
const layout = join(root, 'build', 'demo-oci');
mkdirSync(join(root, 'build'), { recursive: true });
const git = (args) => {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
};
const env = {
  ...process.env,
  GITHUB_WORKSPACE: root,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: `refs/heads/${git(['rev-parse', '--abbrev-ref', 'HEAD']) || 'main'}`,
  GITHUB_SHA: git(['rev-parse', 'HEAD']) || '0'.repeat(40),
  GITHUB_REPOSITORY: 'gantry/hello-go',
  RUNNER_TEMP: temp,
  GITHUB_OUTPUT: files.output,
  GITHUB_ENV: files.env,
  GITHUB_PATH: files.path,
  GITHUB_STATE: files.state,
  GITHUB_STEP_SUMMARY: files.summary,
  INPUT_CONTEXT: 'examples/hello-go',
  INPUT_PLATFORMS: 'linux/amd64,linux/arm64',
  'INPUT_OCI-LAYOUT': image ? '' : layout,
  INPUT_IMAGES: image,
};
const started = Date.now();
const run = spawnSync(process.execPath, [join(root, 'dist', 'build-push', 'index.js')], {
  env,
  stdio: 'inherit',
});
if (run.status !== 0) process.exit(run.status ?? 1);

const outputs = {};
const text = readFileSync(files.output, 'utf8').split('\n');
for (let i = 0; i < text.length; i++) {
  const m = /^([^<=]+)<<(.+)$/.exec(text[i]);
  if (!m) continue;
  const body = [];
  for (i++; text[i] !== m[2]; i++) body.push(text[i]);
  outputs[m[1]] = body.join('\n');
}
console.log(`\nindex ${outputs.digest}`);
for (const [platform, digest] of Object.entries(JSON.parse(outputs['platform-digests'])))
  console.log(`  ${platform.padEnd(14)} ${digest}`);
console.log(
  image
    ? `pushed: ${outputs.tags.split('\n').join(', ')}`
    : `OCI layout: ${outputs['oci-layout']} (tags ${outputs.tags.split('\n').join(', ')})`,
);
console.log(`image: ${outputs.image}`);
const phases = readFileSync(join(temp, 'gantry', 'timeline.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
console.log('\nphases:');
for (const p of phases)
  console.log(
    `  ${`${p.phase}`.padEnd(22)} ${((p.end - p.start) / 1000).toFixed(2).padStart(7)} s`,
  );
console.log(`  ${'total'.padEnd(22)} ${((Date.now() - started) / 1000).toFixed(2).padStart(7)} s`);
