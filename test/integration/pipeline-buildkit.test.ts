/**
 * The root action with a Dockerfile and no BuildKit running: it sets up what the builder needs
 * itself — QEMU for the platform this runner cannot run, then the real BuildKit v0.24.0 from a
 * loopback mirror — builds both platforms with a RUN step that runs each platform's own program,
 * and stops the daemon it started when the pipeline ends. Skipped, and says so, without the real
 * BuildKit archive (see support/buildkit-release.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex } from '../../src/oci/index.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import { Job } from '../harness/runner.js';
import { BinfmtSnapshot, isMounted, removeEntry } from './support/binfmt.js';
import {
  BUILDKIT_VERSION,
  buildkitMissing,
  serveBuildkitRelease,
} from './support/buildkit-release.js';
import { startServer, type TestServer } from './support/http.js';
import { makeImage } from './support/image.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo, requireProgram, requireRoot } from './support/require.js';
import { commitAll } from './support/workspace.js';

const why =
  buildkitMissing || (process.arch !== 'x64' ? 'the test emulates arm64 on an amd64 runner' : '');
if (why) console.log(`SKIPPED: the root action setting up BuildKit and QEMU: ${why}`);
const describeReal = why ? describe.skip : describe;

/** A program that writes the arch it was built for to the file named by its argument. */
const ARCH_PROGRAM = `package main

import (
\t"os"
\t"runtime"
)

func main() {
\tif err := os.WriteFile(os.Args[1], []byte(runtime.GOARCH+"\\n"), 0o644); err != nil {
\t\tpanic(err)
\t}
}
`;

let registry: RunningRegistry;
let server: TestServer;
let work: string;
let checksum: string;
let binfmt: BinfmtSnapshot | undefined;

/** Processes whose command line names `text`: the daemon a job started, by its runner temp. */
function processesNaming(text: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmdline.includes(text) ? [cmdline] : [];
      } catch {
        return [];
      }
    });
}

beforeAll(async () => {
  if (why) return;
  requireRoot('buildkitd runs containers with runc as root; QEMU is registered in binfmt_misc');
  requireProgram('runc', 'runc');
  requireProgram('qemu-aarch64-static', 'qemu-user-static');
  work = mkdtempSync(join(tmpdir(), 'pipeline-buildkit-'));
  server = await startServer();
  checksum = serveBuildkitRelease(server);
  registry = await startRegistry();
  // the base: each platform's program, built for it
  const go = requireGo();
  const src = join(work, 'arch-src');
  mkdirSync(src);
  writeFileSync(join(src, 'main.go'), ARCH_PROGRAM);
  writeFileSync(join(src, 'go.mod'), 'module example.com/arch\n\ngo 1.22\n');
  const client = new RegistryClient(registry.host);
  const images = ['amd64', 'arm64'].map((arch) => {
    const bin = join(work, `arch-${arch}`);
    execFileSync(go, ['build', '-trimpath', '-o', bin, '.'], {
      cwd: src,
      env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: arch },
    });
    const dir = join(work, `base-${arch}`);
    mkdirSync(dir);
    return makeImage(dir, { os: 'linux', architecture: arch }, [
      { arch: { bytes: readFileSync(bin), mode: 0o755 } },
    ]);
  });
  await publish(
    new RegistryTarget(client, 'base/tool'),
    images,
    buildIndex(images.map((i) => i.descriptor)).blob,
    ['1'],
  );
  client.close();
  binfmt = BinfmtSnapshot.take();
  // the host may have an arm64 emulator already: without it, the root must register one
  if (isMounted()) removeEntry('qemu-aarch64');
}, 180_000);

afterAll(async () => {
  binfmt?.restore();
  await registry?.stop();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describeReal('the root action with a Dockerfile and no BuildKit running', () => {
  it('sets up QEMU and BuildKit itself, runs each platform’s RUN step as that platform, and stops the daemon at the end', async () => {
    const ws = mkdtempSync(join(work, 'ws-'));
    writeFileSync(
      join(ws, 'Dockerfile'),
      `FROM ${registry.host}/base/tool:1\nRUN ["/arch", "/built-for"]\n`,
    );
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: ws });
    commitAll(ws, 'service', '2024-05-01T12:00:00Z');
    const job = await Job.create({ workspace: ws });
    try {
      const run = await job.uses('.', {
        id: 'gantry',
        with: {
          // builder: auto finds the Dockerfile
          platforms: 'linux/amd64,linux/arm64',
          images: `${registry.host}/app`,
          tags: 'v1',
          cache: 'false',
          scan: 'false',
          'insecure-registries': registry.host,
          'buildkit-version': BUILDKIT_VERSION,
          'buildkit-mirror': server.url,
          'buildkit-checksum': checksum,
        },
      });
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      // the setups before the build; the daemon's log when it is stopped, after the summary
      expect(run.commands.filter((c) => c.command === 'group').map((c) => c.message)).toEqual([
        'setup-qemu',
        'setup-buildkit',
        'build-push',
        'summary',
        'buildkitd log (last lines)',
      ]);
      expect(run.log).toMatch(/Registered qemu-aarch64 in binfmt_misc/);
      // each platform's image holds what its own program wrote, run as that platform
      const client = new RegistryClient(registry.host);
      const index = JSON.parse(
        (await client.getManifest('app', 'v1')).bytes.toString(),
      ) as ImageIndex;
      const written: Record<string, string> = {};
      for (const m of index.manifests) {
        const manifest = JSON.parse(
          (await client.getManifest('app', m.digest)).bytes.toString(),
        ) as ImageManifest;
        const top = manifest.layers.at(-1)!;
        const layer = join(work, `${m.platform!.architecture}.tgz`);
        writeFileSync(layer, await client.getBlob('app', top.digest));
        written[m.platform!.architecture] = execFileSync('tar', ['-xzOf', layer, 'built-for'], {
          encoding: 'utf8',
        });
      }
      client.close();
      expect(written).toEqual({ amd64: 'amd64\n', arm64: 'arm64\n' });
      // the daemon it started is gone with the step
      expect(processesNaming(job.runnerTemp)).toEqual([]);
    } finally {
      await job.runPosts();
      await job.cleanup();
    }
  }, 300_000);
});
