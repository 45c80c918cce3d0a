/**
 * Layer compression, read back by independent readers: examples/hello-go built for two platforms
 * and pushed to Debian's docker-registry with gzip (the default: pieces compressed in parallel,
 * written as one gzip member) and with zstd. skopeo (containers/image's Go gzip and zstd readers)
 * copies each platform image with its layers decompressed: each one must come out as exactly the
 * tar its config's diff_id names. The gzip layers are also checked to be a single member, and
 * the zstd layers pass the zstd tool's own test. Same commit, other compression: the same diff_ids.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import type { ImageConfig, ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { Job } from '../harness/runner.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo, requireProgram } from './support/require.js';
import { helloGoWorkspace } from './support/workspace.js';

let work: string;
let workspace: string;
let registry: RunningRegistry;

beforeAll(async () => {
  requireGo();
  work = mkdtempSync(join(tmpdir(), 'compression-it-'));
  workspace = helloGoWorkspace();
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.stop();
  for (const d of [work, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

const get = async (path: string, accept = `${MediaType.ociIndex}, ${MediaType.ociManifest}`) => {
  const res = await fetch(`http://${registry.host}/v2/${path}`, { headers: { Accept: accept } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

interface Pushed {
  platform: string;
  manifest: ImageManifest;
  config: ImageConfig;
  digest: string;
}

/** Builds and pushes hello-go with `with`, and reads back each platform's manifest and config. */
async function build(tag: string, withInputs: Record<string, string> = {}): Promise<Pushed[]> {
  const job = await Job.create({ workspace });
  try {
    const run = await job.uses('actions/build-push', {
      with: {
        platforms: 'linux/amd64,linux/arm64',
        tags: `${registry.host}/hello:${tag}`,
        sbom: 'false',
        provenance: 'false',
        ...withInputs,
      },
    });
    expect(run.errors).toEqual([]);
    const index = JSON.parse((await get(`hello/manifests/${tag}`)).toString()) as ImageIndex;
    return Promise.all(
      index.manifests.map(async (d) => {
        const manifest = JSON.parse(
          (await get(`hello/manifests/${d.digest}`)).toString(),
        ) as ImageManifest;
        const config = JSON.parse(
          (await get(`hello/blobs/${manifest.config.digest}`)).toString(),
        ) as ImageConfig;
        return {
          platform: `${d.platform!.os}/${d.platform!.architecture}`,
          manifest,
          config,
          digest: d.digest,
        };
      }),
    );
  } finally {
    await job.cleanup();
  }
}

/** skopeo copies the image with its layers decompressed: file names are the tars' digests. */
function decompressedBySkopeo(p: Pushed, dir: string): string[] {
  const skopeo = requireProgram('skopeo', 'skopeo');
  execFileSync(skopeo, [
    'copy',
    '--src-tls-verify=false',
    '--dest-decompress',
    `docker://${registry.host}/hello@${p.digest}`,
    `dir:${dir}`,
  ]);
  return p.config.rootfs.diff_ids.filter((id) => existsSync(join(dir, id.slice(7))));
}

/** Every layer has `mediaType`, and skopeo decompresses each to the tar its diff_id names. */
function expectReadBack(pushed: Pushed[], mediaType: string, name: string): void {
  for (const p of pushed) {
    expect(p.manifest.layers.map((l) => l.mediaType)).toEqual(
      p.manifest.layers.map(() => mediaType),
    );
    const dir = join(work, `${name}-${p.platform.replace('/', '-')}`);
    expect(decompressedBySkopeo(p, dir)).toEqual(p.config.rootfs.diff_ids);
  }
}

describe('layer compression', () => {
  let gzip: Pushed[];

  it('gzip (the default): every layer one gzip member that skopeo decompresses to its diff_id', async () => {
    gzip = await build('gzip');
    expect(gzip).toHaveLength(2);
    expectReadBack(gzip, MediaType.ociLayerTarGzip, 'gzip');
    for (const p of gzip) {
      for (const l of p.manifest.layers) {
        const gz = await get(`hello/blobs/${l.digest}`);
        // the body is one deflate stream: nothing follows the first member
        expect(inflateRawSync(gz.subarray(10, -8)).equals(gunzipSync(gz))).toBe(true);
      }
    }
  });

  it('zstd: tar+zstd layers that skopeo and zstd read, with the same diff_ids as gzip', async () => {
    const zstdTool = requireProgram('zstd', 'zstd');
    const zstd = await build('zstd', { compression: 'zstd' });
    expectReadBack(zstd, MediaType.ociLayerTarZstd, 'zstd');
    for (const p of zstd) {
      for (const l of p.manifest.layers) {
        const file = join(work, `layer-${l.digest.slice(7)}.zst`);
        writeFileSync(file, await get(`hello/blobs/${l.digest}`));
        execFileSync(zstdTool, ['-q', '-t', file]);
      }
      const same = gzip.find((g) => g.platform === p.platform)!;
      expect(p.config.rootfs.diff_ids).toEqual(same.config.rootfs.diff_ids);
      // other bytes, so other layer digests
      expect(p.manifest.layers.map((l) => l.digest)).not.toEqual(
        same.manifest.layers.map((l) => l.digest),
      );
    }
    // the higher level is smaller than the default, and still the same content
    const small = await build('zstd-19', { compression: 'zstd', 'compression-level': '19' });
    const bytes = (ps: Pushed[]) =>
      ps.flatMap((p) => p.manifest.layers).reduce((n, l) => n + l.size, 0);
    expect(bytes(small)).toBeLessThan(bytes(zstd));
    expect(small.map((p) => p.config.rootfs.diff_ids).sort()).toEqual(
      zstd.map((p) => p.config.rootfs.diff_ids).sort(),
    );
  });
});
