#!/usr/bin/env node
// STAND-IN for BuildKit's buildctl (no BuildKit can be had on the test machine). It does what
// `buildctl build` does to the outside world: reads --secret files, pushes a prepared image
// (STANDIN_LAYOUT, an OCI layout holding a two-platform index) by digest to every --output name,
// or copies it to an oci dest, and writes --metadata-file. It records its argv in STANDIN_LOG, and
// the ignore rules BuildKit's Dockerfile frontend would apply to the context: <filename>.dockerignore
// in the dockerfile local, else .dockerignore in the context local.
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvFields, layoutIndex, pushBlobs, putManifest, record } from './registry-push.mjs';

const argv = process.argv.slice(2);
if (argv[0] === 'debug' && argv[1] === 'workers') {
  // as buildctl answers: the workers, or the dial error of a daemon that is not there
  if (process.env.STANDIN_DEAD) {
    console.error(
      'error: failed to list workers: Unavailable: connection error: desc = "transport: Error while dialing: dial unix /run/buildkit/buildkitd.sock: connect: no such file or directory"',
    );
    process.exit(1);
  }
  console.log('ID\t\t\t\tPLATFORMS\nstandin\t\tlinux/amd64,linux/arm64');
  process.exit(0);
}
const values = (flag) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
const secrets = values('--secret').map((s) => {
  const f = csvFields(s);
  return { id: f.id, content: readFileSync(f.src, 'utf8'), mode: statSync(f.src).mode & 0o777 };
});
const local = (name) =>
  values('--local')
    .find((v) => v.startsWith(`${name}=`))
    ?.slice(name.length + 1);
const filename = (
  argv.flatMap((a, i) => (argv[i - 1] === '--opt' && a.startsWith('filename=') ? [a] : []))[0] ??
  'filename=Dockerfile'
).slice('filename='.length);
const ignoreFile = [
  local('dockerfile') && join(local('dockerfile'), `${filename}.dockerignore`),
  local('context') && join(local('context'), '.dockerignore'),
].find((f) => f && existsSync(f));
const dockerignore = ignoreFile ? readFileSync(ignoreFile, 'utf8').split('\n') : [];
record({ argv, secrets, dockerignore });
if (process.env.STANDIN_FAIL) {
  console.error('error: failed to solve: stand-in told to fail');
  process.exit(1);
}
const layout = process.env.STANDIN_LAYOUT;
const { top, index, blob } = layoutIndex(layout);
const output = csvFields(values('--output')[0]);
if (output.type === 'image') {
  for (const name of output.name.split(',')) {
    await pushBlobs(layout, name);
    for (const m of index.manifests) await putManifest(name, m.digest, m.mediaType, blob(m.digest));
    await putManifest(name, top.digest, top.mediaType, blob(top.digest));
  }
} else if (output.type === 'oci') {
  cpSync(layout, output.dest, { recursive: true });
}
writeFileSync(
  values('--metadata-file')[0],
  JSON.stringify({
    'containerimage.descriptor': top,
    'containerimage.digest': top.digest,
    'buildx.build.ref': 'stand-in',
  }),
);
console.log(`#1 exporting to image (stand-in) ${top.digest}`);
