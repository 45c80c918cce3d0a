import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { formatPlatform } from '../../src/oci/platform.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { buildIndex } from '../../src/oci/index.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { readTimeline } from '../../src/runtime/timeline.js';
import { Job } from '../harness/runner.js';
import { BinfmtSnapshot, readEntry } from './support/binfmt.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { freePort } from './support/ports.js';
import { makeImage } from './support/image.js';
import { imageTags, startRegistry, storedFiles, type RunningRegistry } from './support/registry.js';
import { skopeoInspectRaw } from './support/skopeo.js';
import { requireGo, requireProgram, requireRoot } from './support/require.js';
import { commitAll, helloGoWorkspace } from './support/workspace.js';

const ACTION = 'actions/build-push';
let registry: RunningRegistry;
let proxy: FaultProxy;
let workspace: string;
let work: string;
let snapshot: BinfmtSnapshot;

beforeAll(async () => {
  requireGo();
  requireRoot('the arm64 image is run through a binfmt_misc handler');
  requireProgram('qemu-aarch64-static', 'qemu-user-static');
  snapshot = BinfmtSnapshot.take();
  work = mkdtempSync(join(tmpdir(), 'build-push-it-'));
  registry = await startRegistry();
  proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
  workspace = helloGoWorkspace();
  // a base image with two platforms, and one with only amd64
  const client = new RegistryClient(registry.host);
  const bases = ['amd64', 'arm64'].map((arch) => {
    mkdirSync(join(work, `base-${arch}`));
    return makeImage(join(work, `base-${arch}`), { os: 'linux', architecture: arch }, [
      { 'base-release': `base for ${arch}\n` },
    ]);
  });
  await publish(
    new RegistryTarget(client, 'base/static'),
    bases,
    buildIndex(bases.map((b) => b.descriptor)).blob,
    ['1'],
  );
  await publish(new RegistryTarget(client, 'base/amd64only'), [bases[0]!], bases[0]!.manifest, [
    '1',
  ]);
  client.close();
});

afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
  snapshot?.restore();
  for (const d of [work, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

async function buildPush(job: Job, inputs: Record<string, string>) {
  return job.uses(ACTION, { with: { platforms: 'linux/amd64,linux/arm64', ...inputs } });
}

/** The image config of an OCI layout's `main`, as skopeo reads it. */
function layoutConfig<T>(dir: string): T {
  return JSON.parse(
    execFileSync('skopeo', ['inspect', '--config', `oci:${dir}:main`], { encoding: 'utf8' }),
  ) as T;
}

/** An OCI layout's `main` unpacked by umoci into `bundle` (its files under bundle/rootfs). */
function umociUnpack(layout: string, bundle: string): void {
  execFileSync(requireProgram('umoci', 'umoci'), [
    'unpack',
    '--rootless',
    '--image',
    `${layout}:main`,
    bundle,
  ]);
}

/** Pulls one platform's image with our client and unpacks its layers into a rootfs. */
async function unpack(
  ref: { host: string; repository: string; tag: string },
  platform: string,
): Promise<string> {
  const client = new RegistryClient(ref.host);
  const index = JSON.parse(
    (await client.getManifest(ref.repository, ref.tag)).bytes.toString(),
  ) as ImageIndex;
  const child = index.manifests.find((m) => formatPlatform(m.platform!) === platform)!;
  const manifest = JSON.parse(
    (await client.getManifest(ref.repository, child.digest)).bytes.toString(),
  ) as ImageManifest;
  const rootfs = mkdtempSync(join(work, `rootfs-${platform.replace(/\//g, '-')}-`));
  for (const layer of manifest.layers) {
    const file = join(work, 'layer.tgz');
    writeFileSync(file, await client.getBlob(ref.repository, layer.digest));
    execFileSync('tar', ['-xzf', file, '-C', rootfs]);
  }
  client.close();
  return rootfs;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

/** Runs the service binary, waits for /healthz, returns its answer, then SIGTERMs it. */
async function runService(
  binary: string,
): Promise<{ health: string; exitCode: number | null; logs: string }> {
  const port = await freePort();
  const child = spawn(binary, [], {
    env: { PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
  try {
    for (let i = 0; i < 200; i++) {
      const r = await get(port, '/healthz').catch(() => undefined);
      if (r?.status === 200) {
        const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
        child.kill('SIGTERM');
        return { health: r.body, exitCode: await exited, logs };
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`service did not answer /healthz:\n${logs}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('build-push with the go builder', () => {
  it('runs the sample service Go tests', () => {
    const out = execFileSync(requireGo(), ['test', './...'], { cwd: workspace, encoding: 'utf8' });
    expect(out).toMatch(/^ok\s+example\.com\/hello-go/m);
  });

  it('pushes a two-platform index; skopeo reads it; each platform runs and answers /healthz (arm64 through QEMU)', async () => {
    const job = await Job.create({
      workspace,
      event: {
        name: 'push',
        payload: {
          ref: 'refs/heads/main',
          after: 'a'.repeat(40),
          repository: { full_name: 'acme/hello', default_branch: 'main' },
        },
      },
    });
    try {
      // a host may already have a working handler (Debian's qemu-user-static registers them):
      // setup-qemu keeps it, and registers only where none is
      const existed = readEntry('qemu-aarch64') !== undefined;
      const qemu = await job.uses('actions/setup-qemu', {
        with: { platforms: 'arm64', qemu: 'system' },
      });
      expect(qemu.exitCode).toBe(0);
      expect(qemu.outputs.source).toBe(existed ? 'none' : 'system');
      const run = await buildPush(job, {
        images: `${registry.host}/hello`,
        base: `${registry.host}/base/static:1`,
      });
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      const digest = run.outputs.digest!;
      expect(run.outputs.image).toBe(`${registry.host}/hello@${digest}`);
      // no tags given: metadata-action's default rules, the branch on a push
      expect(run.outputs.tags!.split('\n')).toEqual([`${registry.host}/hello:main`]);
      const raw = await skopeoInspectRaw(`${registry.host}/hello:main`);
      const index = JSON.parse(raw.toString()) as ImageIndex;
      expect(index.manifests.map((m) => formatPlatform(m.platform!))).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      expect(index.annotations?.['org.opencontainers.image.base.name']).toBe(
        `${registry.host}/base/static:1`,
      );
      const platformDigests = JSON.parse(run.outputs['platform-digests']!) as Record<
        string,
        string
      >;
      expect(Object.values(platformDigests)).toEqual(index.manifests.map((m) => m.digest));
      // each platform names the Go that built its binary, read from the binary itself
      const goVersion = execFileSync(requireGo(), ['env', 'GOVERSION'], {
        encoding: 'utf8',
      }).trim();
      for (const m of index.manifests) {
        const manifest = JSON.parse(
          (await skopeoInspectRaw(`${registry.host}/hello@${m.digest}`)).toString(),
        ) as ImageManifest;
        expect(manifest.annotations?.['dev.gantry.go.version']).toBe(goVersion);
      }
      const metadata = JSON.parse(run.outputs.metadata!) as { labels: Record<string, string> };
      expect(metadata.labels['org.opencontainers.image.revision']).toBe('a'.repeat(40));
      expect(metadata.labels['org.opencontainers.image.created']).toBe('2024-05-01T12:00:00.000Z');

      for (const [platform, arch] of [
        ['linux/amd64', 'amd64'],
        ['linux/arm64', 'arm64'],
      ] as const) {
        const rootfs = await unpack(
          { host: registry.host, repository: 'hello', tag: 'main' },
          platform,
        );
        expect(readFileSync(join(rootfs, 'base-release'), 'utf8')).toBe(`base for ${arch}\n`);
        const result = await runService(join(rootfs, 'usr', 'local', 'bin', 'hello-go'));
        expect(JSON.parse(result.health)).toMatchObject({
          status: 'ok',
          arch,
          version: 'main',
          commit: 'a'.repeat(40),
        });
        expect(result.exitCode).toBe(0);
        expect(result.logs).toContain('"msg":"draining"');
      }
      const phases = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl')).map(
        (p) => `${p.action}/${p.phase}`,
      );
      expect(phases).toEqual(
        expect.arrayContaining([
          existed ? 'setup-qemu/check' : 'setup-qemu/register',
          'build-push/base',
          'build-push/build linux/amd64',
          'build-push/build linux/arm64',
          'build-push/push',
        ]),
      );
    } finally {
      await job.cleanup();
    }
  });

  it('builds the same digest twice from one commit; after a one-line edit only the binary layers and configs upload', async () => {
    const job = await Job.create({ workspace });
    try {
      const inputs = { tags: `${proxy.host}/repro:1`, base: 'static' };
      const blobUploads = () =>
        proxy.requests.filter((r) => r.startsWith('PUT ') && r.includes('/blobs/uploads/')).length;
      const first = await buildPush(job, inputs);
      expect(first.exitCode).toBe(0);
      const beforeAgain = blobUploads();
      const again = await buildPush(job, inputs);
      expect(again.outputs.digest).toBe(first.outputs.digest);
      // an identical rebuild uploads nothing: not the image, not its SBOMs and provenance
      expect(blobUploads() - beforeAgain).toBe(0);
      expect(again.outputs.attestations).toBe(first.outputs.attestations);

      // the same build under a new tag (a release of a commit built before): every blob is
      // asked about first and none is sent — not a layer, config or document
      const requestsBefore = proxy.requests.length;
      const bytesBefore = proxy.blobBytes;
      const retagged = await buildPush(job, { ...inputs, tags: `${proxy.host}/repro:release` });
      expect(retagged.outputs.digest).toBe(first.outputs.digest);
      const sent = proxy.requests.slice(requestsBefore);
      expect(sent.filter((r) => /^(POST|PATCH|PUT) \/v2\/repro\/blobs\//.test(r))).toEqual([]);
      expect(proxy.blobBytes - bytesBefore).toBe(0);
      const retagPush = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl'))
        .filter((p) => p.phase === 'push')
        .pop();
      // 2 layers, 2 configs, the static base layer, 4 documents and the artifacts' empty config
      expect(retagPush?.attrs).toMatchObject({
        blobsUploaded: 0,
        bytesUploaded: 0,
        blobsExisting: 10,
      });
      expect(sent.filter((r) => /^HEAD \/v2\/repro\/blobs\//.test(r))).toHaveLength(10);

      appendFileSync(join(workspace, 'main.go'), '\n// a one-line edit\nvar edited = true\n');
      commitAll(workspace, 'edit', '2024-05-02T12:00:00Z');
      const uploadsBefore = proxy.requests.filter(
        (r) => r.startsWith('PUT ') && r.includes('/blobs/uploads/'),
      ).length;
      const blobHeads = () => proxy.requests.filter((r) => /^HEAD \/v2\/repro\/blobs\//.test(r));
      const headsBefore = blobHeads().length;
      // rebuilt under the tags that moved before: their images were made at another time
      const edited = await buildPush(job, { ...inputs, tags: `${proxy.host}/repro:1` });
      expect(edited.exitCode).toBe(0);
      expect(edited.outputs.digest).not.toBe(first.outputs.digest);
      const uploads =
        proxy.requests.filter((r) => r.startsWith('PUT ') && r.includes('/blobs/uploads/')).length -
        uploadsBefore;
      // the image: two binary layers and two configs (the static base layer is already there);
      // beside it each platform's SBOM and provenance, new because their subject is
      expect(uploads).toBe(4 + 4);
      const push = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl'))
        .filter((p) => p.phase === 'push')
        .pop();
      // the push counts every blob it made exist: those 4 + the 4 documents uploaded; the static
      // base layer and the artifacts' empty config were there already
      expect(push?.attrs).toMatchObject({ blobsUploaded: 8, blobsExisting: 2, artifacts: 4 });
      // every blob was asked about before anything was sent: the repository may have had any
      expect(blobHeads().length - headsBefore).toBe(10);
    } finally {
      await job.cleanup();
    }
  });

  it('a push that died before its tag moved: the re-run sends only what is missing (nothing)', async () => {
    const job = await Job.create({ workspace });
    try {
      const inputs = { tags: `${proxy.host}/rerun:main`, sbom: 'false', provenance: 'false' };
      expect((await buildPush(job, inputs)).errors).toEqual([]);
      appendFileSync(join(workspace, 'main.go'), '\nvar rerun = true\n');
      commitAll(workspace, 'rerun', '2024-05-03T12:00:00Z');
      // the registry refuses the tag: everything else of the image is there, the tag is not
      proxy.faults.push({
        method: 'PUT',
        path: /^\/v2\/rerun\/manifests\/main$/,
        times: 1,
        kind: 'status',
        status: 403,
        code: 'DENIED',
      });
      const died = await buildPush(job, inputs);
      expect(died.exitCode).not.toBe(0);
      // the binaries and layers it wrote are gone with it, as after a success
      const builds = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('gantry-build-'));
      expect(builds(job.runnerTemp)).toEqual([]);
      expect(proxy.faults.every((f) => f.times === 0)).toBe(true);
      const requestsBefore = proxy.requests.length;
      const bytesBefore = proxy.blobBytes;
      // a re-run is a job of its own (the failed one runs no later step)
      const again = await Job.create({ workspace });
      const rerun = await buildPush(again, inputs);
      expect(builds(again.runnerTemp)).toEqual([]);
      await again.cleanup();
      expect(rerun.errors).toEqual([]);
      expect(proxy.blobBytes - bytesBefore).toBe(0);
      const sent = proxy.requests.slice(requestsBefore);
      expect(sent.filter((r) => /^(POST|PATCH|PUT) \/v2\/rerun\/blobs\//.test(r))).toEqual([]);
      expect(sent).toContain('PUT /v2/rerun/manifests/main');
    } finally {
      await job.cleanup();
    }
  });

  it('two registries with different logins in one step: one from username/password, one as docker/login-action wrote it', async () => {
    const user = { username: 'ci', password: 'go-s3cret-never-printed' };
    const other = { username: 'hub', password: 'other-s3cret-never-printed' };
    const [a, b] = [
      await startRegistry({ htpasswd: user }),
      await startRegistry({ htpasswd: other }),
    ];
    const dockerConfig = mkdtempSync(join(work, 'docker-'));
    const auth = Buffer.from(`${other.username}:${other.password}`).toString('base64');
    writeFileSync(
      join(dockerConfig, 'config.json'),
      JSON.stringify({ auths: { [b.host]: { auth } } }),
    );
    const job = await Job.create({ workspace, env: { DOCKER_CONFIG: dockerConfig } });
    try {
      const run = await buildPush(job, {
        platforms: 'linux/amd64',
        images: `${a.host}/app\n${b.host}/app`,
        tags: 'mixed',
        username: user.username,
        password: user.password,
      });
      expect(run.errors).toEqual([]);
      for (const [host, c] of [
        [a.host, user],
        [b.host, other],
      ] as const)
        expect(
          createHash('sha256')
            .update(
              await skopeoInspectRaw(`${host}/app:mixed`, { creds: `${c.username}:${c.password}` }),
            )
            .digest('hex'),
        ).toBe(run.outputs.digest!.slice(7));
      for (const secret of [user.password, other.password]) expect(run.log).not.toContain(secret);
    } finally {
      await job.cleanup();
      await a.stop();
      await b.stop();
    }
  });

  it('two repositories of one registry: the bytes go up once, the second repository mounts them', async () => {
    const job = await Job.create({ workspace });
    try {
      const requestsBefore = proxy.requests.length;
      const bytesBefore = proxy.blobBytes;
      const run = await buildPush(job, {
        images: `${proxy.host}/twin-a,${proxy.host}/twin-b`,
        tags: 'main',
        base: 'static',
      });
      expect(run.errors).toEqual([]);
      const sent = proxy.requests.slice(requestsBefore);
      // twin-b never receives a byte: every one of its blobs is found or mounted from twin-a
      expect(sent.filter((r) => /^(PATCH|PUT) \/v2\/twin-b\/blobs\//.test(r))).toEqual([]);
      const mounts = sent.filter((r) =>
        /^POST \/v2\/twin-b\/blobs\/uploads\/\?mount=.*&from=twin-a$/.test(r),
      );
      const pushes = readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl')).filter(
        (p) => p.phase === 'push',
      );
      expect(pushes.map((p) => p.attrs.repository)).toEqual([
        `${proxy.host}/twin-a`,
        `${proxy.host}/twin-b`,
      ]);
      const [a, b] = pushes.map((p) => p.attrs);
      expect(b).toMatchObject({ blobsUploaded: 0, bytesUploaded: 0 });
      expect(b?.blobsMounted).toBe(mounts.length);
      expect(mounts.length).toBe(a?.blobsUploaded);
      // what passed the proxy is twin-a's uploads, once
      expect(proxy.blobBytes - bytesBefore).toBe(a?.bytesUploaded);
      for (const repository of ['twin-a', 'twin-b'])
        expect(
          (await unpack({ host: registry.host, repository, tag: 'main' }, 'linux/amd64')).length,
        ).toBeGreaterThan(0);
    } finally {
      await job.cleanup();
    }
  });

  it('without a registry writes an OCI layout that skopeo and umoci accept', async () => {
    const umoci = requireProgram('umoci', 'umoci');
    const job = await Job.create({ workspace });
    try {
      // an output may go to RUNNER_TEMP as well as the workspace
      const layout = join(job.runnerTemp, 'layout');
      const run = await buildPush(job, { tags: '', 'oci-layout': layout });
      expect(run.errors).toEqual([]);
      const dir = run.outputs['oci-layout']!;
      expect(dir).toBe(layout);
      // the image output is what the next step takes as it is: skopeo (and scan, and trivy)
      expect(run.outputs.image).toBe(`oci:${layout}:main`);
      execFileSync('skopeo', ['inspect', '--raw', run.outputs.image!]);
      const raw = execFileSync('skopeo', ['inspect', '--raw', `oci:${dir}:main`]);
      const index = JSON.parse(raw.toString()) as ImageIndex;
      expect(index.manifests).toHaveLength(2);
      // umoci unpacks image manifests: name the amd64 one in a copy of the layout
      execFileSync('skopeo', [
        'copy',
        '--override-arch',
        'amd64',
        `oci:${dir}:main`,
        `oci:${join(work, 'single')}:amd64`,
      ]);
      execFileSync(umoci, [
        'unpack',
        '--rootless',
        '--image',
        `${join(work, 'single')}:amd64`,
        join(work, 'bundle'),
      ]);
      const result = await runService(
        join(work, 'bundle', 'rootfs', 'usr', 'local', 'bin', 'hello-go'),
      );
      expect(JSON.parse(result.health)).toMatchObject({ arch: 'amd64' });
      const passwd = readFileSync(join(work, 'bundle', 'rootfs', 'etc', 'passwd'), 'utf8');
      expect(passwd).toContain('nonroot:x:65532:65532');
    } finally {
      await job.cleanup();
    }
  });
});

describe('build-push image contents', () => {
  it('adds static files as their own layer, sets env and user, and builds on scratch', async () => {
    const job = await Job.create({ workspace });
    const assets = join(workspace, 'static-assets');
    mkdirSync(join(assets, 'css'), { recursive: true });
    writeFileSync(join(assets, 'index.html'), '<h1>hello</h1>\n');
    writeFileSync(join(assets, 'css', 'site.css'), 'h1{}\n');
    // a link that stays inside the directory is kept as a link, as tar keeps it
    symlinkSync('css/site.css', join(assets, 'style.css'));
    try {
      const run = await buildPush(job, {
        platforms: 'linux/amd64',
        base: 'scratch',
        'static-dir': 'static-assets',
        'static-path': '/srv/www',
        env: 'GREETING=hi\nLOG_LEVEL=debug',
        user: '1000:1000',
        'oci-layout': join(job.runnerTemp, 'contents'),
      });
      expect(run.errors).toEqual([]);
      const dir = join(job.runnerTemp, 'contents');
      const config = layoutConfig<{
        architecture: string;
        config: {
          Env: string[];
          User: string;
          Entrypoint: string[];
          Labels: Record<string, string>;
        };
        rootfs: { diff_ids: string[] };
      }>(dir);
      expect(config.architecture).toBe('amd64');
      expect(config.config.Env).toEqual(expect.arrayContaining(['GREETING=hi', 'LOG_LEVEL=debug']));
      expect(config.config.User).toBe('1000:1000');
      expect(config.config.Entrypoint).toEqual(['/usr/local/bin/hello-go']);
      const commitTime = Number(
        execFileSync('git', ['log', '-1', '--format=%ct'], {
          cwd: workspace,
          encoding: 'utf8',
        }).trim(),
      );
      expect(config.config.Labels['org.opencontainers.image.created']).toBe(
        new Date(commitTime * 1000).toISOString(),
      );
      // scratch: no base layer; static files, then the binary
      expect(config.rootfs.diff_ids).toHaveLength(2);
      const bundle = join(work, 'contents-bundle');
      umociUnpack(dir, bundle);
      expect(readFileSync(join(bundle, 'rootfs', 'srv', 'www', 'css', 'site.css'), 'utf8')).toBe(
        'h1{}\n',
      );
      expect(readFileSync(join(bundle, 'rootfs', 'srv', 'www', 'index.html'), 'utf8')).toBe(
        '<h1>hello</h1>\n',
      );
      expect(readlinkSync(join(bundle, 'rootfs', 'srv', 'www', 'style.css'))).toBe('css/site.css');
    } finally {
      rmSync(assets, { recursive: true, force: true });
      await job.cleanup();
    }
  });

  it('several main packages: each cross-compiled, all in one layer at their paths, the first the entrypoint', async () => {
    const probe = join(workspace, 'cmd', 'probe');
    mkdirSync(probe, { recursive: true });
    writeFileSync(
      join(probe, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"net/url"\n)\n\nfunc main() { u, _ := url.Parse("http://127.0.0.1/healthz"); fmt.Println("probe", u.Path) }\n',
    );
    const job = await Job.create({ workspace });
    try {
      const out = join(job.runnerTemp, 'two-programs');
      const run = await buildPush(job, {
        platforms: 'linux/amd64',
        base: 'scratch',
        main: '.\n./cmd/probe=/usr/bin/probe',
        'oci-layout': out,
      });
      expect(run.errors).toEqual([]);
      const config = layoutConfig<{
        config: { Entrypoint: string[] };
        rootfs: { diff_ids: string[] };
      }>(out);
      expect(config.config.Entrypoint).toEqual(['/usr/local/bin/hello-go']);
      // scratch: one layer, both programs
      expect(config.rootfs.diff_ids).toHaveLength(1);
      const bundle = join(work, 'two-programs-bundle');
      umociUnpack(out, bundle);
      expect(
        execFileSync(join(bundle, 'rootfs', 'usr', 'bin', 'probe'), { encoding: 'utf8' }),
      ).toBe('probe /healthz\n');
      expect(existsSync(join(bundle, 'rootfs', 'usr', 'local', 'bin', 'hello-go'))).toBe(true);
    } finally {
      rmSync(join(workspace, 'cmd'), { recursive: true, force: true });
      await job.cleanup();
    }
  });

  it('binary, expose, workdir and cmd shape the image as a Dockerfile’s final stage would', async () => {
    const job = await Job.create({ workspace });
    try {
      const out = join(job.runnerTemp, 'shaped');
      const run = await buildPush(job, {
        platforms: 'linux/amd64',
        base: 'scratch',
        binary: '/usr/bin/hello',
        expose: '8080, 53/udp',
        workdir: '/srv',
        cmd: 'serve\n--verbose',
        'oci-layout': out,
      });
      expect(run.errors).toEqual([]);
      const config = layoutConfig<{
        config: {
          Entrypoint: string[];
          Cmd: string[];
          WorkingDir: string;
          ExposedPorts: Record<string, object>;
        };
      }>(out);
      expect(config.config.Entrypoint).toEqual(['/usr/bin/hello']);
      expect(config.config.Cmd).toEqual(['serve', '--verbose']);
      expect(config.config.WorkingDir).toBe('/srv');
      expect(config.config.ExposedPorts).toEqual({ '8080/tcp': {}, '53/udp': {} });
      // the program is where the entrypoint says, and nowhere else
      const bundle = join(work, 'shaped-bundle');
      umociUnpack(out, bundle);
      expect(statSync(join(bundle, 'rootfs', 'usr', 'bin', 'hello')).mode & 0o111).not.toBe(0);
      expect(existsSync(join(bundle, 'rootfs', 'usr', 'local', 'bin'))).toBe(false);
    } finally {
      await job.cleanup();
    }
  });
});

describe('nothing of the runner’s in an image, no tag that is not one', () => {
  it('static-dir: . takes the checkout but never .git, whose config holds the checkout token', async () => {
    const job = await Job.create({ workspace });
    const config = join(workspace, '.git', 'config');
    const before = readFileSync(config, 'utf8');
    // as actions/checkout leaves it (persist-credentials: true, its default)
    const token = 'eC1hY2Nlc3MtdG9rZW46Z2hzX2NoZWNrb3V0VG9rZW4=';
    writeFileSync(
      config,
      `${before}[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${token}\n`,
    );
    try {
      const run = await buildPush(job, {
        platforms: 'linux/amd64',
        base: 'scratch',
        'static-dir': '.',
        'oci-layout': join(job.runnerTemp, 'checkout-image'),
      });
      expect(run.errors).toEqual([]);
      const bundle = join(work, 'checkout-bundle');
      umociUnpack(join(job.runnerTemp, 'checkout-image'), bundle);
      expect(existsSync(join(bundle, 'rootfs', 'static', 'go.mod'))).toBe(true);
      expect(existsSync(join(bundle, 'rootfs', 'static', '.git'))).toBe(false);
      const blobs = join(job.runnerTemp, 'checkout-image', 'blobs', 'sha256');
      for (const b of readdirSync(blobs)) {
        const bytes = readFileSync(join(blobs, b));
        const text = bytes[0] === 0x1f ? gunzipSync(bytes).toString('latin1') : bytes.toString();
        expect(text).not.toContain(token);
      }
    } finally {
      writeFileSync(config, before);
      await job.cleanup();
    }
  });

  it('a branch whose name makes no tag (`-`) fails naming it, with nothing pushed', async () => {
    const job = await Job.create({
      workspace,
      event: { name: 'push', payload: { ref: 'refs/heads/-', after: 'd'.repeat(40) } },
    });
    try {
      const run = await buildPush(job, { images: `${registry.host}/dash-branch` });
      expect(run.outcome).toBe('failure');
      expect(run.errors).toEqual([
        expect.stringMatching(
          /^Input "tags": the tags made for refs\/heads\/- include one that is not an OCI tag; got ""; accepted: tags/,
        ),
      ]);
      expect(storedFiles(registry, 'dash-branch')).toEqual([]);
    } finally {
      await job.cleanup();
    }
  });
});

describe('tags rules as docker/metadata-action takes them', () => {
  it('a v1.2.3 tag push with semver rules pushes 1.2.3, 1.2 and latest; the first is the version', async () => {
    const job = await Job.create({
      workspace,
      event: { name: 'push', payload: { ref: 'refs/tags/v1.2.3', after: 'c'.repeat(40) } },
    });
    try {
      const run = await buildPush(job, {
        platforms: 'linux/amd64',
        images: `${registry.host}/rules`,
        base: `${registry.host}/base/static:1`,
        tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
        flavor: 'latest=auto',
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.tags!.split('\n')).toEqual(
        ['1.2.3', '1.2', 'sha-ccccccc', 'latest'].map((t) => `${registry.host}/rules:${t}`),
      );
      const metadata = JSON.parse(run.outputs.metadata!) as {
        version: string;
        labels: Record<string, string>;
      };
      expect(metadata.version).toBe('1.2.3');
      expect(metadata.labels['org.opencontainers.image.version']).toBe('1.2.3');
      const client = new RegistryClient(registry.host);
      // besides the referrers tags (sha256-<manifest>) that list each platform's SBOM and provenance
      const tagged = await imageTags(client, 'rules');
      expect(tagged.sort()).toEqual(['1.2', '1.2.3', 'latest', 'sha-ccccccc'].sort());
      client.close();
    } finally {
      await job.cleanup();
    }
  });
});

describe('a matrix: each runner pushes its platform by digest, merge tags the index', () => {
  it('two one-platform runs with push-by-digest tag nothing; merge makes one tagged index of both', async () => {
    const images: string[] = [];
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const job = await Job.create({ workspace });
      try {
        const run = await buildPush(job, {
          platforms: platform,
          images: `${registry.host}/matrix`,
          base: `${registry.host}/base/static:1`,
          'push-by-digest': 'true',
        });
        expect(run.errors).toEqual([]);
        expect(run.outputs.tags).toBe('');
        // what merge is to tag, as metadata-action's output says it
        expect((JSON.parse(run.outputs.metadata!) as { tags: string[] }).tags).toContain(
          `${registry.host}/matrix:main`,
        );
        expect(run.outputs.image).toBe(`${registry.host}/matrix@${run.outputs.digest}`);
        images.push(run.outputs.image!);
      } finally {
        await job.cleanup();
      }
    }
    const client = new RegistryClient(registry.host);
    try {
      // nothing tagged: only the referrers tags of the SBOMs and provenance, by digest
      expect(await imageTags(client, 'matrix').catch(() => [])).toEqual([]);
      const job = await Job.create({ workspace });
      const merged = await job
        .uses('actions/merge', {
          with: { sources: images.join('\n'), tags: `${registry.host}/matrix:v1` },
        })
        .finally(() => job.cleanup());
      expect(merged.errors).toEqual([]);
      const index = JSON.parse(
        (await skopeoInspectRaw(`${registry.host}/matrix:v1`)).toString(),
      ) as ImageIndex;
      expect(index.manifests.map((m) => formatPlatform(m.platform!))).toEqual([
        'linux/amd64',
        'linux/arm64',
      ]);
      expect(await imageTags(client, 'matrix')).toEqual(['v1']);
    } finally {
      client.close();
    }
  });
});

describe('build-push input errors, before anything is pushed', () => {
  beforeAll(() => {
    mkdirSync(join(workspace, 'lib'), { recursive: true });
    writeFileSync(join(workspace, 'lib', 'lib.go'), 'package lib\n\nfunc X() int { return 1 }\n');
  });

  it.each([
    [
      'an unknown platform',
      { platforms: 'linux/amd64,linux/foo' },
      /^Input "platforms": unknown architecture "foo" .*; got "linux\/foo"; accepted: os\/arch\[\/variant\]/,
    ],
    [
      'a main that is not a main package',
      { main: './lib' },
      /^Input "main": package lib \(example\.com\/hello-go\/lib\) is not a main package; got "\.\/lib"; accepted: a main package/,
    ],
    [
      'a main that does not exist',
      { main: './nope' },
      /^Input "main": no such directory; got "\.\/nope"; accepted: a main package/,
    ],
    [
      'a base that does not exist',
      { base: 'REGISTRY/base/nope:1' },
      /^Input "base": REGISTRY\/base\/nope:1 does not exist; got/,
    ],
    [
      'a base without a requested platform',
      { base: 'REGISTRY/base/amd64only:1' },
      /^Input "base": the base is a single linux\/amd64 image, not linux\/arm64/,
    ],
    [
      'a tag with an invalid character',
      { tags: 'REGISTRY/bad:v1$' },
      /^Input "tags": tag "v1\$" must be 1-128/,
    ],
    [
      'a bare tag with an invalid character',
      { images: 'REGISTRY/bad', tags: 'v1!' },
      /^Input "tags": invalid tag; got "v1!"/,
    ],
  ])('%s', async (_, inputs, message) => {
    const given = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [k, v.replace('REGISTRY', registry.host)]),
    );
    const job = await Job.create({ workspace });
    const run = await buildPush(job, { tags: `${registry.host}/bad:v1`, ...given }).finally(() =>
      job.cleanup(),
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]!.replaceAll(registry.host, 'REGISTRY')).toMatch(message);
    expect(run.log).not.toMatch(/^\s+at /m);
    const client = new RegistryClient(registry.host);
    expect(await client.listTags('bad')).toEqual([]);
    client.close();
  });
});
