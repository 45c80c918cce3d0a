/**
 * A scheduled rebuild on the real registry, round trip: base v1 (two platforms, made by buildah)
 * → hello-go built on it by build-push → base v2 pushed under the same tag → rebuild-check says
 * needed, one reason per platform, a rebase suffices → rebase → the index carries v2's layers on
 * both platforms, the arm64 binary still runs (through QEMU) on v2's files, the annotations name
 * v2 → check again: current, and neither check nor rebase writes anything. Also: a Go patch
 * release (from a local release-list server) needs a rebuild; a builder-stage base that moved
 * is named; a rebase that cannot be done is refused with its reason and writes nothing.
 * Checks and rebases go through a proxy that records every request.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGE_BASES_ANNOTATION } from '../../src/image/annotations.js';
import type { Digest } from '../../src/oci/digest.js';
import { buildIndex } from '../../src/oci/index.js';
import {
  descriptorOf,
  toBlob,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from '../../src/oci/manifest.js';
import { Annotation } from '../../src/oci/mediatypes.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { publish } from '../../src/publish/publish.js';
import { RegistryTarget } from '../../src/publish/target.js';
import type { Reason } from '../../src/rebuild/check.js';
import { Job } from '../harness/runner.js';
import { pushBuildahBase } from './support/buildah.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { startServer, type TestServer } from './support/http.js';
import { makeImage } from './support/image.js';
import { startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo, requireRoot } from './support/require.js';
import { extractImage, runInRootfs } from './support/rootfs.js';
import { skopeoCopyToOci } from './support/skopeo.js';
import { helloGoWorkspace } from './support/workspace.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
let registry: RunningRegistry;
let client: RegistryClient;
let proxy: FaultProxy;
let server: TestServer;
let work: string;
let workspace: string;
let goVersion: string;

interface Read {
  digest: Digest;
  index: ImageIndex;
  manifests: Record<string, { digest: Digest; manifest: ImageManifest; config: ImageConfig }>;
}

/** An index as the registry has it, each platform's manifest and config. */
async function readIndex(repository: string, reference: string): Promise<Read> {
  const top = await client.getManifest(repository, reference);
  const index = JSON.parse(top.bytes.toString('utf8')) as ImageIndex;
  const manifests: Read['manifests'] = {};
  for (const d of index.manifests) {
    if (!d.platform) continue;
    const manifest = JSON.parse(
      (await client.getManifest(repository, d.digest)).bytes.toString('utf8'),
    ) as ImageManifest;
    const config = JSON.parse(
      (await client.getBlob(repository, manifest.config.digest)).toString('utf8'),
    ) as ImageConfig;
    manifests[`${d.platform.os}/${d.platform.architecture}`] = {
      digest: d.digest,
      manifest,
      config,
    };
  }
  return { digest: top.digest, index, manifests };
}

interface Attached {
  digest: Digest;
  artifactType: string;
  document: Record<string, unknown>;
}

/**
 * What is attached to a manifest, read as a client without the referrers API reads it (Debian's
 * registry has none): the referrers tag sha256-<hex>, each artifact's manifest naming the subject.
 */
async function attachedTo(repository: string, subject: Digest): Promise<Attached[]> {
  let list: ImageIndex;
  try {
    const tag = await client.getManifest(repository, subject.replace(':', '-'));
    list = JSON.parse(tag.bytes.toString('utf8')) as ImageIndex;
  } catch {
    return [];
  }
  const out: Attached[] = [];
  for (const d of list.manifests) {
    const m = JSON.parse(
      (await client.getManifest(repository, d.digest)).bytes.toString('utf8'),
    ) as ImageManifest;
    expect(m.subject?.digest).toBe(subject);
    const document = JSON.parse(
      (await client.getBlob(repository, m.layers[0]!.digest)).toString('utf8'),
    ) as Record<string, unknown>;
    out.push({ digest: d.digest, artifactType: m.artifactType!, document });
  }
  return out;
}

/** An SPDX document's packages by SPDXID: name and versionInfo. */
function spdxPackages(doc: Record<string, unknown>): Map<string, string> {
  const packages = doc.packages as { SPDXID: string; name: string; versionInfo: string }[];
  return new Map(packages.map((p) => [p.SPDXID, `${p.name} ${p.versionInfo}`]));
}

/** Go's release list as go.dev serves it (newest first): `versions` stable releases. */
function serveGoReleases(versions: string[]): void {
  server.routes.set('/dl/', {
    body: Buffer.from(
      JSON.stringify(versions.map((version) => ({ version, stable: true, files: [] }))),
    ),
  });
}

async function check(
  image: string,
): Promise<{ needed: string; rebase: string; reasons: Reason[]; summary: string }> {
  const job = await Job.create({ workspace });
  try {
    const run = await job.uses('actions/rebuild-check', {
      with: { image, 'go-versions': `${server.url}/dl/?mode=json` },
    });
    expect(run.errors).toEqual([]);
    return {
      needed: run.outputs.needed!,
      rebase: run.outputs.rebase!,
      reasons: JSON.parse(run.outputs.reasons!) as Reason[],
      summary: run.summary,
    };
  } finally {
    await job.cleanup();
  }
}

async function rebase(with_: Record<string, string>) {
  const job = await Job.create({ workspace });
  try {
    return await job.uses('actions/rebase', { with: with_ });
  } finally {
    await job.cleanup();
  }
}

/** What went through the proxy that was not a read. */
function writes(): string[] {
  return proxy.requests.filter((q) => !/^(GET|HEAD) /.test(q));
}

/** An image of our own making, pushed with the given manifest annotations. */
async function pushCrafted(
  tag: string,
  annotations: Record<string, string>,
  architecture = 'amd64',
): Promise<void> {
  const dir = join(work, `crafted-${tag}`);
  mkdirSync(dir, { recursive: true });
  const image = makeImage(dir, { os: 'linux', architecture }, [{ app: `${tag}\n` }]);
  const manifest = toBlob(image.manifest.mediaType, {
    ...(JSON.parse(image.manifest.bytes.toString('utf8')) as ImageManifest),
    annotations,
  });
  const withAnnotations = {
    ...image,
    manifest,
    descriptor: descriptorOf(manifest, { platform: image.platform }),
  };
  await publish(
    new RegistryTarget(client, 'app'),
    [withAnnotations],
    buildIndex([withAnnotations.descriptor]).blob,
    [tag],
  );
}

beforeAll(async () => {
  requireRoot('buildah stores images and the rebased image is run with chroot as its user');
  const go = requireGo();
  goVersion = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  work = mkdtempSync(join(tmpdir(), 'scheduled-rebuild-it-'));
  registry = await startRegistry();
  client = new RegistryClient(registry.host);
  proxy = await startFaultProxy(Number(registry.host.split(':')[1]));
  server = await startServer();
  workspace = helloGoWorkspace();
  await pushBuildahBase(work, `${registry.host}/base/runtime:1`, 'v1', ['amd64', 'arm64']);
  const job = await Job.create({ workspace });
  try {
    const run = await job.uses('actions/build-push', {
      with: {
        platforms: PLATFORMS.join(','),
        images: `${registry.host}/app`,
        tags: 'main',
        base: `${registry.host}/base/runtime:1`,
      },
    });
    if (run.exitCode !== 0) throw new Error(`build-push failed:\n${run.log}`);
  } finally {
    await job.cleanup();
  }
}, 240_000);

afterAll(async () => {
  client?.close();
  await proxy?.close();
  await registry?.stop();
  server?.close();
  for (const d of [work, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('scheduled rebuild: check, rebase, check again', () => {
  let v1: Read;
  let v2: Read;
  let before: Read;

  it('an unchanged base and Go: not needed, and nothing is written', async () => {
    v1 = await readIndex('base/runtime', '1');
    before = await readIndex('app', 'main');
    for (const p of PLATFORMS)
      expect(before.manifests[p]!.manifest.annotations?.[Annotation.baseDigest]).toBe(
        v1.manifests[p]!.digest,
      );
    serveGoReleases([goVersion]);
    proxy.requests.length = 0;
    const r = await check(`${proxy.host}/app:main`);
    expect(r).toMatchObject({ needed: 'false', rebase: 'false', reasons: [] });
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(writes()).toEqual([]);
  });

  it('an unreadable Go release list is not “current”: needed, go: unknown; its URL redacted', async () => {
    server.routes.set('/dl/', { status: 503, body: 'down' });
    const job = await Job.create({ workspace });
    try {
      const url = `${server.url.replace('http://', 'http://reader:url-secret-1@')}/dl/?key=query-secret-2`;
      const run = await job.uses('actions/rebuild-check', {
        with: { image: `${registry.host}/app:main`, 'go-versions': url },
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.needed).toBe('true');
      expect(run.outputs.rebase).toBe('false');
      expect(JSON.parse(run.outputs.reasons!)).toEqual(
        PLATFORMS.map((platform) => ({ platform, what: 'go', from: goVersion, to: 'unknown' })),
      );
      expect(run.warnings.join('\n')).toMatch(
        /Could not read Go's release list at http:\/\/REDACTED@/,
      );
      expect(run.stdout).not.toContain('url-secret-1');
      expect(run.stdout).not.toContain('query-secret-2');
    } finally {
      await job.cleanup();
    }
  });

  it('base v2 under the same tag: one reason per platform, from v1 to v2; a rebase suffices', async () => {
    await pushBuildahBase(work, `${registry.host}/base/runtime:1`, 'v2', ['amd64', 'arm64']);
    v2 = await readIndex('base/runtime', '1');
    serveGoReleases([goVersion]);
    const r = await check(`${registry.host}/app:main`);
    expect(r.needed).toBe('true');
    expect(r.rebase).toBe('true');
    const name = `${registry.host}/base/runtime:1`;
    expect(r.reasons).toEqual(
      PLATFORMS.map((platform) => ({
        platform,
        what: 'base',
        from: `${name}@${v1.manifests[platform]!.digest}`,
        to: `${name}@${v2.manifests[platform]!.digest}`,
      })),
    );
    expect(r.summary).toContain('a rebase suffices');
  });

  it('a Go patch release: needed, and a rebase does not do', async () => {
    const [, major, minor, patch] = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(goVersion)!;
    const next = `go${major}.${minor}.${Number(patch ?? 0) + 1}`;
    // newest first, as go.dev lists them: another minor's release too
    serveGoReleases([`go${major}.${Number(minor) + 1}.0`, next, goVersion]);
    const r = await check(`${registry.host}/app:main`);
    expect(r.needed).toBe('true');
    expect(r.rebase).toBe('false');
    expect(r.reasons.filter((x) => x.what === 'go')).toEqual(
      PLATFORMS.map((platform) => ({ platform, what: 'go', from: goVersion, to: next })),
    );
  });

  it("rebase: v2's layers under the same application layers, the annotations name v2, nothing re-uploaded", async () => {
    proxy.requests.length = 0;
    const run = await rebase({ image: `${proxy.host}/app:main` });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.rebased).toBe('true');
    const after = await readIndex('app', 'main');
    expect(run.outputs.digest).toBe(after.digest);
    expect(after.digest).not.toBe(before.digest);
    expect(after.index.annotations?.[Annotation.baseDigest]).toBe(v2.digest);
    for (const p of PLATFORMS) {
      const old = before.manifests[p]!;
      const now = after.manifests[p]!;
      const base1 = v1.manifests[p]!;
      const base2 = v2.manifests[p]!;
      const app = old.manifest.layers.slice(base1.manifest.layers.length);
      expect(app.length).toBeGreaterThan(0);
      expect(now.manifest.layers).toEqual([...base2.manifest.layers, ...app]);
      expect(now.config.rootfs.diff_ids).toEqual([
        ...base2.config.rootfs.diff_ids,
        ...old.config.rootfs.diff_ids.slice(base1.config.rootfs.diff_ids.length),
      ]);
      expect(now.config.history?.[0]?.created_by).toBe('base v2');
      expect(now.config.config).toEqual(old.config.config);
      expect(now.manifest.annotations).toMatchObject({
        [Annotation.baseName]: `${registry.host}/base/runtime:1`,
        [Annotation.baseDigest]: base2.digest,
      });
      // the application layers were in the repository: checked, never sent again
      for (const l of app)
        expect(proxy.requests.filter((q) => q.includes(l.digest) && !/^HEAD /.test(q))).toEqual([]);
    }
    // blobs before manifests, platform manifests before the index, the tag last
    const puts = proxy.requests.filter((q) => q.startsWith('PUT /v2/app/manifests/'));
    expect(puts.at(-1)).toBe('PUT /v2/app/manifests/main');
    const indexPut = puts.indexOf(`PUT /v2/app/manifests/${after.digest}`);
    for (const p of PLATFORMS)
      expect(puts.indexOf(`PUT /v2/app/manifests/${after.manifests[p]!.digest}`)).toBeLessThan(
        indexPut,
      );

    // attested again before the tag moved: one SBOM (the old modules, the new base) and one
    // provenance statement (the old image and the new base) per platform, about its new manifest
    const reported = JSON.parse(run.outputs.attestations!) as Record<
      string,
      { sbom: Digest; provenance: Digest }
    >;
    expect(Object.keys(reported).sort()).toEqual(PLATFORMS);
    for (const p of PLATFORMS) {
      const now = after.manifests[p]!;
      const attached = await attachedTo('app', now.digest);
      expect(attached.map((a) => [a.artifactType, a.digest])).toEqual([
        ['application/spdx+json', reported[p]!.sbom],
        ['application/vnd.in-toto+json', reported[p]!.provenance],
      ]);
      for (const a of attached) {
        const at = puts.indexOf(`PUT /v2/app/manifests/${a.digest}`);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThan(puts.length - 1);
      }
      const oldSbom = (await attachedTo('app', before.manifests[p]!.digest)).find(
        (a) => a.artifactType === 'application/spdx+json',
      )!;
      const oldPackages = spdxPackages(oldSbom.document);
      const packages = spdxPackages(attached[0]!.document);
      const base2 = v2.manifests[p]!.digest;
      const baseName = `${registry.host}/base/runtime:1`;
      expect(oldPackages.get('SPDXRef-base')).toBe(`${baseName} ${v1.manifests[p]!.digest}`);
      expect(packages.get('SPDXRef-base')).toBe(`${baseName} ${base2}`);
      expect(packages.get('SPDXRef-image')).toBe(`${registry.host}/app ${now.digest}`);
      for (const [id, pkg] of oldPackages)
        if (id !== 'SPDXRef-base' && id !== 'SPDXRef-image') expect(packages.get(id)).toBe(pkg);
      expect(packages.size).toBe(oldPackages.size);

      const statement = attached[1]!.document as {
        subject: { digest: { sha256: string } }[];
        predicate: {
          buildDefinition: {
            buildType: string;
            resolvedDependencies: { name: string; digest: { sha256: string } }[];
          };
        };
      };
      expect(statement.subject[0]!.digest.sha256).toBe(now.digest.slice(7));
      expect(statement.predicate.buildDefinition.buildType).toBe('urn:gantry:buildtype:rebase:v1');
      expect(
        statement.predicate.buildDefinition.resolvedDependencies.map((d) => [
          d.name,
          `sha256:${d.digest.sha256}`,
        ]),
      ).toEqual([
        ['image', before.manifests[p]!.digest],
        ['base', base2],
      ]);
    }
    const lastBlob = proxy.requests.findLastIndex((q) => /\/blobs\//.test(q) && !/^HEAD /.test(q));
    expect(lastBlob).toBeLessThan(proxy.requests.indexOf(puts[0]!));

    // an independent client copies it whole, verifying every digest on the way
    await skopeoCopyToOci(`${registry.host}/app:main`, join(work, 'copied'));

    // the arm64 binary runs through QEMU, as the image's user, on v2's files
    const arm = after.manifests['linux/arm64']!;
    const root = join(work, 'rootfs-arm64');
    const config = await extractImage((d) => client.getBlob('app', d), arm.manifest, root);
    expect(readFileSync(join(root, 'etc/base-release'), 'utf8')).toBe('v2 for arm64\n');
    const ran = runInRootfs(root, config, ['/usr/local/bin/hello-go', 'selfcheck']);
    const report = JSON.parse(ran.stdout) as { arch: string; uid: number };
    expect(report).toMatchObject({ arch: 'arm64', uid: 65532 });
  }, 120_000);

  it('check again: current; neither check nor rebase writes anything', async () => {
    serveGoReleases([goVersion]);
    proxy.requests.length = 0;
    const r = await check(`${proxy.host}/app:main`);
    expect(r).toMatchObject({ needed: 'false', rebase: 'false', reasons: [] });
    const again = await rebase({ image: `${proxy.host}/app:main` });
    expect(again.errors).toEqual([]);
    expect(again.outputs.rebased).toBe('false');
    expect(again.outputs.digest).toBe((await readIndex('app', 'main')).digest);
    expect(writes()).toEqual([]);
  });

  it('a builder stage whose base moved is named; a rebase does not do', async () => {
    const golang = async (label: string) => {
      const dir = join(work, `golang-${label}`);
      mkdirSync(dir, { recursive: true });
      const image = makeImage(dir, { os: 'linux', architecture: 'amd64' }, [{ go: `${label}\n` }]);
      await publish(
        new RegistryTarget(client, 'base/golang'),
        [image],
        buildIndex([image.descriptor]).blob,
        ['1.23'],
      );
      return image.descriptor.digest;
    };
    const g1 = await golang('g1');
    const runtime = v2.manifests['linux/amd64']!.digest;
    // what a BuildKit build records (build-push's buildkit builder, checked on the real BuildKit)
    await pushCrafted('staged', {
      [Annotation.baseName]: `${registry.host}/base/runtime:1`,
      [Annotation.baseDigest]: runtime,
      [STAGE_BASES_ANNOTATION]: JSON.stringify([
        { stage: 'build', name: `${registry.host}/base/golang:1.23`, digest: g1 },
        { stage: 'final', name: `${registry.host}/base/runtime:1`, digest: runtime },
      ]),
    });
    serveGoReleases([goVersion]);
    expect(await check(`${registry.host}/app:staged`)).toMatchObject({
      needed: 'false',
      reasons: [],
    });
    const g2 = await golang('g2');
    const r = await check(`${registry.host}/app:staged`);
    expect(r).toMatchObject({ needed: 'true', rebase: 'false' });
    expect(r.reasons).toEqual([
      {
        platform: 'linux/amd64',
        what: 'stage build',
        from: `${registry.host}/base/golang:1.23@${g1}`,
        to: `${registry.host}/base/golang:1.23@${g2}`,
      },
    ]);

    // an arm64 image whose build stage ran on BuildKit's amd64 (FROM --platform=$BUILDPLATFORM)
    // records that platform: the amd64-only golang is checked as amd64, not asked for arm64
    const runtimeArm64 = v2.manifests['linux/arm64']!.digest;
    const crossStaged = (golangDigest: string) =>
      pushCrafted(
        'cross-staged',
        {
          [Annotation.baseName]: `${registry.host}/base/runtime:1`,
          [Annotation.baseDigest]: runtimeArm64,
          [STAGE_BASES_ANNOTATION]: JSON.stringify([
            {
              stage: 'build',
              name: `${registry.host}/base/golang:1.23`,
              digest: golangDigest,
              platform: 'linux/amd64',
            },
            { stage: 'final', name: `${registry.host}/base/runtime:1`, digest: runtimeArm64 },
          ]),
        },
        'arm64',
      );
    await crossStaged(g2);
    expect(await check(`${registry.host}/app:cross-staged`)).toMatchObject({
      needed: 'false',
      reasons: [],
    });
    await crossStaged(g1);
    expect((await check(`${registry.host}/app:cross-staged`)).reasons).toEqual([
      {
        platform: 'linux/arm64',
        what: 'stage build',
        from: `${registry.host}/base/golang:1.23@${g1}`,
        to: `${registry.host}/base/golang:1.23@${g2}`,
      },
    ]);
  });

  it.each([
    ['records no base', () => pushCrafted('plain', {}), 'plain', {}, /records no base/],
    [
      'does not start with its recorded base',
      () =>
        pushCrafted('foreign', {
          [Annotation.baseName]: `${registry.host}/base/runtime:1`,
          [Annotation.baseDigest]: v1.manifests['linux/amd64']!.digest,
        }),
      'foreign',
      {},
      /does not start with the layers of its recorded base/,
    ],
    [
      'records a base digest the registry does not have',
      () =>
        pushCrafted('gone', {
          [Annotation.baseName]: `${registry.host}/base/runtime:1`,
          [Annotation.baseDigest]: `sha256:${'1'.repeat(64)}`,
        }),
      'gone',
      {},
      /is no longer in its registry/,
    ],
    [
      'is asked onto a base without one of its platforms',
      async () => {
        const dir = join(work, 'amd64-only');
        mkdirSync(dir, { recursive: true });
        const image = makeImage(dir, { os: 'linux', architecture: 'amd64' }, [{ x: 'x\n' }]);
        await publish(new RegistryTarget(client, 'base/amd64-only'), [image], image.manifest, [
          '1',
        ]);
      },
      'main',
      { base: '' },
      /Input "base": the base is a single linux\/amd64 image, not linux\/arm64/,
    ],
  ])(
    'refused, with the reason and nothing written, when the image %s',
    async (_why, arrange, tag, extra, message) => {
      await arrange();
      const given = { ...extra } as Record<string, string>;
      if ('base' in given) given.base = `${registry.host}/base/amd64-only:1`;
      proxy.requests.length = 0;
      const run = await rebase({ image: `${proxy.host}/app:${tag}`, ...given });
      expect(run.exitCode).not.toBe(0);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(message);
      expect(run.log).not.toMatch(/\n\s+at /);
      expect(writes()).toEqual([]);
    },
  );

  it('an image that does not exist is needed', async () => {
    serveGoReleases([goVersion]);
    const r = await check(`${registry.host}/app:never-built`);
    expect(r.needed).toBe('true');
    expect(r.reasons).toEqual([
      { platform: '*', what: 'image', from: 'none', to: `${registry.host}/app:never-built` },
    ]);
  });
});

describe('a rebase of an image whose attestations are in its index', () => {
  it('keeps them there: the moved platforms get new attestation manifests (the old modules, about the new manifest), the old ones go', async () => {
    const base = `${registry.host}/base/indexed:1`;
    await pushBuildahBase(work, base, 'indexed-v1', ['amd64', 'arm64']);
    const job = await Job.create({ workspace });
    try {
      const built = await job.uses('actions/build-push', {
        with: {
          platforms: PLATFORMS.join(','),
          images: `${registry.host}/indexed`,
          tags: 'main',
          base,
          attestations: 'index',
        },
      });
      expect(built.errors).toEqual([]);
    } finally {
      await job.cleanup();
    }
    const before = await readIndex('indexed', 'main');
    await pushBuildahBase(work, base, 'indexed-v2', ['amd64', 'arm64']);
    const run = await rebase({ image: `${registry.host}/indexed:main` });
    expect(run.errors).toEqual([]);
    expect(run.outputs.rebased).toBe('true');
    const after = await readIndex('indexed', 'main');
    const reported = JSON.parse(run.outputs.attestations!) as Record<
      string,
      { sbom: Digest; provenance: Digest }
    >;
    // the platform images, then one attestation manifest each, about the rebased images
    const entries = after.index.manifests.map((m) => [
      m.platform?.os,
      m.annotations?.['vnd.docker.reference.digest'],
    ]);
    expect(entries).toEqual([
      ['linux', undefined],
      ['linux', undefined],
      ...PLATFORMS.map((p) => ['unknown', after.manifests[p]!.digest]),
    ]);
    /** The statements of the attestation manifest an index lists for `image`. */
    const statementsFor = async (index: ImageIndex, image: Digest) => {
      const entry = index.manifests.find(
        (m) => m.annotations?.['vnd.docker.reference.digest'] === image,
      )!;
      const manifest = JSON.parse(
        (await client.getManifest('indexed', entry.digest)).bytes.toString('utf8'),
      ) as ImageManifest;
      const statements = await Promise.all(
        manifest.layers.map(
          async (l) =>
            JSON.parse((await client.getBlob('indexed', l.digest)).toString('utf8')) as {
              subject: { digest: { sha256: string } }[];
              predicate: Record<string, unknown>;
            },
        ),
      );
      return { entry, statements };
    };
    for (const p of PLATFORMS) {
      const now = after.manifests[p]!.digest;
      const { entry, statements } = await statementsFor(after.index, now);
      expect(reported[p]).toEqual({ sbom: entry.digest, provenance: entry.digest });
      expect(await attachedTo('indexed', now)).toEqual([]);
      expect(statements).toHaveLength(2);
      const [sbom, provenance] = statements;
      expect(sbom!.subject[0]!.digest.sha256).toBe(now.slice(7));
      expect(provenance!.subject[0]!.digest.sha256).toBe(now.slice(7));
      // the modules carried over from the old image's SBOM, read from the old index
      const old = await statementsFor(before.index, before.manifests[p]!.digest);
      const oldPackages = spdxPackages(old.statements[0]!.predicate);
      const packages = spdxPackages(sbom!.predicate);
      expect(packages.get('SPDXRef-image')).toBe(`${registry.host}/indexed ${now}`);
      expect(packages.get('SPDXRef-main')).toBeDefined();
      for (const [id, pkg] of oldPackages)
        if (id !== 'SPDXRef-base' && id !== 'SPDXRef-image') expect(packages.get(id)).toBe(pkg);
      expect(packages.size).toBe(oldPackages.size);
    }
    // the old attestation manifests are gone from the index with the images they described
    const oldAttestations = before.index.manifests.filter((m) => m.platform?.os === 'unknown');
    expect(oldAttestations).toHaveLength(2);
    for (const m of oldAttestations)
      expect(after.index.manifests.map((e) => e.digest)).not.toContain(m.digest);
  }, 180_000);
});
