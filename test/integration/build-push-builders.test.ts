/**
 * build-push with `builder: buildkit` and `builder: pack`. BuildKit and pack cannot be had on the
 * test machine, so their exec path runs STAND-INS (support/standins/*.mjs) that do to the registry
 * what the real tools do — push a prepared two-platform image — and record their argv. What is
 * verified is gantry's side: the argv, secrets as 0600 files gone after the build, tokens kept
 * out of the log, the digest from --metadata-file, tags moved last, the index assembled for pack.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../src/oci/digest.js';
import { buildIndex } from '../../src/oci/index.js';
import type { ImageIndex } from '../../src/oci/manifest.js';
import { OciLayout } from '../../src/oci/layout.js';
import { publish } from '../../src/publish/publish.js';
import { LayoutTarget } from '../../src/publish/target.js';
import { Job } from '../harness/runner.js';
import { makeImage } from './support/image.js';
import { standInBin } from './support/stand-in-bin.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { skopeoInspectRaw } from './support/skopeo.js';

const ACTION = 'actions/build-push';
const SECRET = 'npm-token-s3cret-never-logged';
const GHA_TOKEN = 'gha-runtime-token-never-logged';

let work: string;
let registry: RunningRegistry;
let layout: string;
let indexDigest: string;
let bin: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'builders-it-'));
  registry = await startRegistry();
  // what the tools would build: a two-platform image, in an OCI layout the stand-ins push from
  layout = join(work, 'prepared');
  const images = ['amd64', 'arm64'].map((arch) => {
    const dir = join(work, `img-${arch}`);
    mkdirSync(dir, { recursive: true });
    return makeImage(dir, { os: 'linux', architecture: arch }, [{ hello: `built for ${arch}\n` }]);
  });
  const { blob } = buildIndex(images.map((i) => i.descriptor));
  const oci = new OciLayout(layout);
  await oci.init();
  await publish(new LayoutTarget(oci), images, blob, ['src']);
  indexDigest = blob.digest;
  bin = standInBin(join(work, 'bin'), ['buildctl', 'pack']);
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function workspace(withDockerfile: boolean): string {
  const dir = mkdtempSync(join(work, 'ws-'));
  writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
  writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
  if (withDockerfile) writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch AS runtime\nCOPY . /\n');
  return dir;
}

async function build(ws: string, inputs: Record<string, string>, opts: { onPath?: boolean } = {}) {
  const log = join(work, `standin-${Date.now()}.jsonl`);
  const job = await Job.create({
    workspace: ws,
    env: {
      STANDIN_LAYOUT: layout,
      STANDIN_LOG: log,
      ACTIONS_RUNTIME_TOKEN: GHA_TOKEN,
      ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/',
    },
  });
  if (opts.onPath !== false) job.path.unshift(bin);
  const run = await job.uses(ACTION, { with: inputs });
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              argv: string[];
              secrets?: { id: string; content: string; mode: number }[];
              dockerignore: string[];
            },
        )
    : [];
  await job.cleanup();
  return { run, calls };
}

describe('build-push builder: buildkit (buildctl stand-in)', () => {
  test('a Dockerfile context builds with buildctl, pushes by digest, and tags last', async () => {
    const ws = workspace(true);
    const { run, calls } = await build(ws, {
      images: `${registry.host}/app`,
      tags: 'v1.2.3',
      'build-args': 'GO_VERSION=1.23\nCGO_ENABLED=0',
      target: 'runtime',
      secrets: `npmrc=${SECRET}`,
      'cache-from': `type=registry,ref=${registry.host}/app:cache`,
      'cache-to': 'type=gha,mode=max',
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(indexDigest);
    expect(run.outputs.image).toBe(`${registry.host}/app@${indexDigest}`);
    expect(Object.keys(JSON.parse(run.outputs['platform-digests']!) as object)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(run.outputs.tags).toBe(`${registry.host}/app:v1.2.3`);
    // an independent client sees the tag on the index the build pushed
    expect(sha256Digest(await skopeoInspectRaw(`${registry.host}/app:v1.2.3`))).toBe(indexDigest);

    expect(calls).toHaveLength(1);
    const { argv, secrets } = calls[0]!;
    const opts = argv.flatMap((a, i) => (argv[i - 1] === '--opt' ? [a] : []));
    expect(argv.slice(0, 5)).toEqual([
      'build',
      '--progress',
      'plain',
      '--frontend',
      'dockerfile.v0',
    ]);
    expect(argv).toEqual(expect.arrayContaining(['--local', `context=${ws}`]));
    // the Dockerfile goes in a directory of its own, beside the ignore rules gantry adds (.git)
    expect(argv.find((a) => a.startsWith('dockerfile='))).toMatch(
      /^dockerfile=.*\/buildkit\/dockerfile$/,
    );
    expect(opts).toEqual(
      expect.arrayContaining([
        'filename=Dockerfile',
        'platform=linux/amd64,linux/arm64',
        'target=runtime',
        'build-arg:GO_VERSION=1.23',
        'build-arg:CGO_ENABLED=0',
      ]),
    );
    expect(argv[argv.indexOf('--import-cache') + 1]).toBe(
      `type=registry,ref=${registry.host}/app:cache`,
    );
    expect(argv[argv.indexOf('--export-cache') + 1]).toContain(`token=${GHA_TOKEN}`);
    // one commit, one digest: the image time reaches the build as SOURCE_DATE_EPOCH (this
    // workspace has no git history, so it is 0)
    expect(opts).toContain('build-arg:SOURCE_DATE_EPOCH=0');
    expect(argv[argv.indexOf('--output') + 1]).toBe(
      `type=image,name=${registry.host}/app,push=true,push-by-digest=true,name-canonical=true,oci-mediatypes=true,rewrite-timestamp=true`,
    );
    // the secret reached buildctl as a 0600 file, never as an argument, and the file is gone
    expect(secrets).toEqual([{ id: 'npmrc', content: SECRET, mode: 0o600 }]);
    expect(argv.join(' ')).not.toContain(SECRET);
    const src = /src=([^,]+)/.exec(argv[argv.indexOf('--secret') + 1]!)?.[1];
    expect(src && existsSync(src)).toBe(false);
    expect(run.log).not.toContain(SECRET);
    expect(run.log).not.toContain(GHA_TOKEN);
  });

  test('push: false writes the OCI layout buildctl exports, published into oci-layout like any image', async () => {
    const { run, calls } = await build(workspace(true), {
      builder: 'buildkit',
      push: 'false',
      'oci-layout': 'out',
    });
    expect(run.errors).toEqual([]);
    const argv = calls[0]!.argv;
    // BuildKit exports into the build's own folder; publish writes the user's layout from it
    expect(argv[argv.indexOf('--output') + 1]).toMatch(
      /^type=oci,dest=[^,]*\/buildkit\/oci,tar=false,oci-mediatypes=true,rewrite-timestamp=true$/,
    );
    expect(run.outputs.digest).toBe(indexDigest);
    expect(
      existsSync(join(run.outputs['oci-layout']!, 'blobs', 'sha256', indexDigest.slice(7))),
    ).toBe(true);
    const index = JSON.parse(
      readFileSync(join(run.outputs['oci-layout']!, 'index.json'), 'utf8'),
    ) as ImageIndex;
    expect(index.manifests.map((m) => m.digest)).toContain(indexDigest);
  });

  test('a missing Dockerfile, or no buildctl on PATH, fail with one clear line', async () => {
    const missing = await build(workspace(false), {
      builder: 'buildkit',
      images: `${registry.host}/app`,
      tags: 'x',
    });
    expect(missing.run.errors).toEqual([
      expect.stringMatching(
        /^Input "file": no such file; got "Dockerfile"; accepted: a Dockerfile in the workspace/,
      ),
    ]);
    expect(missing.calls).toEqual([]);
    const noTool = await build(
      workspace(true),
      { images: `${registry.host}/app`, tags: 'x' },
      { onPath: false },
    );
    expect(noTool.run.errors).toEqual([
      'buildctl is not on PATH; run setup-buildkit before build-push',
    ]);
  });
});

describe('build-push builder: buildkit — nothing of the runner’s, no secret in provenance', () => {
  /** A checkout as actions/checkout leaves it: its token in .git/config as an extraheader. */
  function checkout(dockerignore?: string): string {
    const ws = workspace(true);
    mkdirSync(join(ws, '.git'));
    writeFileSync(
      join(ws, '.git', 'config'),
      '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==\n',
    );
    if (dockerignore !== undefined) writeFileSync(join(ws, '.dockerignore'), dockerignore);
    return ws;
  }

  test('.git is left out of the context; provenance: true is BuildKit’s mode=min', async () => {
    const { run, calls } = await build(checkout('*.md\n'), { push: 'false', provenance: 'true' });
    expect(run.errors).toEqual([]);
    expect(calls).toHaveLength(1);
    const { argv, dockerignore } = calls[0]!;
    // BuildKit applies these to the context: .git first, then the project's own rules
    expect(dockerignore.slice(0, 2)).toEqual(['.git', '*.md']);
    expect(run.stdout).toContain('.git is left out of the build context');
    const opts = argv.flatMap((a, i) => (argv[i - 1] === '--opt' ? [a] : []));
    expect(opts).toContain('attest:provenance=mode=min');
    expect(opts).not.toContain('attest:provenance=mode=max');
  });

  test('a .dockerignore that says !.git sends it, and the log says so', async () => {
    const { run, calls } = await build(checkout('.git\n!.git\n'), { push: 'false' });
    expect(run.errors).toEqual([]);
    expect(calls[0]!.dockerignore.slice(0, 3)).toEqual(['.git', '.git', '!.git']);
    expect(run.stdout).toContain('.git is sent in the build context: the .dockerignore says !.git');
  });

  test('provenance: max warns that build args are published, and refuses a masked one', async () => {
    const ws = checkout();
    const ok = await build(ws, { push: 'false', provenance: 'max', 'build-args': 'VERSION=1.2.3' });
    expect(ok.run.errors).toEqual([]);
    expect(ok.run.warnings.join('\n')).toMatch(/provenance: max publishes every build-arg value/);
    const refused = await build(ws, {
      images: `${registry.host}/leaky`,
      username: 'ci',
      password: 'registry-token-abcdef',
      provenance: 'max',
      'build-args': 'VERSION=1.2.3\nNPM_TOKEN=registry-token-abcdef',
    });
    expect(refused.run.errors).toEqual([
      expect.stringMatching(
        /^Input "build-args": provenance: max publishes every build-arg value beside the image; got "NPM_TOKEN=\*\*\*"/,
      ),
    ]);
    expect(refused.calls).toEqual([]);
    expect(refused.run.stdout).not.toMatch(/^(?!::add-mask::).*registry-token-abcdef/m);
  });
});

describe('build-push builder: pack (pack stand-in)', () => {
  test('pack publishes each platform; gantry assembles the index, pushes it, then tags it', async () => {
    const { run, calls } = await build(workspace(false), {
      builder: 'pack',
      images: `${registry.host}/paketo`,
      tags: 'v2',
      'pack-builder': 'paketobuildpacks/builder-jammy-tiny',
      env: 'BP_GO_TARGETS=./cmd/server',
    });
    expect(run.errors).toEqual([]);
    expect(calls.map((c) => c.argv)).toEqual(
      ['linux/amd64', 'linux/arm64'].map((p) => [
        'build',
        `${registry.host}/paketo:v2-${p.replace('/', '-')}`,
        '--path',
        expect.any(String),
        '--publish',
        '--platform',
        p,
        '--builder',
        'paketobuildpacks/builder-jammy-tiny',
        '--env',
        'BP_GO_TARGETS=./cmd/server',
      ]),
    );
    const raw = await skopeoInspectRaw(`${registry.host}/paketo:v2`);
    expect(sha256Digest(raw)).toBe(run.outputs.digest);
    const index = JSON.parse(raw.toString()) as ImageIndex;
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(JSON.parse(run.outputs['platform-digests']!)).toEqual(
      Object.fromEntries(
        index.manifests.map((m) => [`${m.platform?.os}/${m.platform?.architecture}`, m.digest]),
      ),
    );
  });

  test('pack without a registry fails before building', async () => {
    const { run, calls } = await build(workspace(false), { builder: 'pack', push: 'false' });
    expect(run.errors).toEqual([
      expect.stringMatching(/^Input "push": builder: pack publishes to a registry/),
    ]);
    expect(calls).toEqual([]);
  });
});
