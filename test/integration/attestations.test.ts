/**
 * SBOM and provenance on the real registry (Debian's docker-registry has no referrers API, so
 * the referrers tag schema is what finds them): a two-platform image of a module with two
 * dependencies (from a local module proxy, so their h1 checksums are in the binaries); per
 * platform an SPDX SBOM and an in-toto SLSA provenance statement whose subject is that platform's
 * manifest; the SBOM lists exactly the modules `go version -m` prints for that binary, and
 * validates against the published SPDX 2.3 schema (CycloneDX 1.5 likewise, into an OCI layout);
 * a second build of the commit gives the same SBOM bytes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Digest } from '../../src/oci/digest.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/manifest.js';
import { RegistryClient } from '../../src/oci/registry/client.js';
import { Job } from '../harness/runner.js';
import { fixture } from '../harness/paths.js';
import { writeGoProxy } from './support/goproxy.js';
import { startReferrersFront } from './support/referrers-front.js';
import { imageTags, startRegistry, type RunningRegistry } from './support/registry.js';
import { requireGo } from './support/require.js';
import { extractImage } from './support/rootfs.js';
import { standInBin } from './support/stand-in-bin.js';
import { commitAll } from './support/workspace.js';

const Ajv = createRequire(import.meta.url)('ajv') as new (opts: object) => {
  addSchema(schema: object): void;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] };
};

let registry: RunningRegistry;
let client: RegistryClient;
let work: string;
let workspace: string;
let go: string;
let env: Record<string, string>;

/** example.com/svc requiring two modules from the local proxy, with go.sum. */
function serviceWorkspace(): string {
  const mod = (path: string, body: string) => ({
    path,
    version: 'v1.2.0',
    files: { 'go.mod': `module ${path}\n\ngo 1.22\n`, 'm.go': body },
  });
  const proxy = writeGoProxy(join(work, 'proxy'), [
    mod('example.com/greet', 'package greet\n\nfunc Hello() string { return "hello" }\n'),
    mod(
      'example.com/shout',
      'package shout\n\nimport "strings"\n\nfunc Up(s string) string { return strings.ToUpper(s) }\n',
    ),
  ]);
  env = {
    GOPROXY: proxy,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOMODCACHE: join(work, 'gomod'),
    GOCACHE: join(work, 'gocache'),
  };
  const dir = join(work, 'svc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'go.mod'),
    'module example.com/svc\n\ngo 1.22\n\nrequire (\n\texample.com/greet v1.2.0\n\texample.com/shout v1.2.0\n)\n',
  );
  writeFileSync(
    join(dir, 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n\t"example.com/shout"\n)\n\nfunc main() { fmt.Println(shout.Up(greet.Hello())) }\n',
  );
  execFileSync(go, ['mod', 'tidy'], { cwd: dir, env: { ...process.env, ...env } });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  commitAll(dir, 'svc', '2024-05-01T12:00:00Z');
  return dir;
}

async function build(with_: Record<string, string>) {
  const job = await Job.create({ workspace, env });
  try {
    const run = await job.uses('actions/build-push', {
      with: { platforms: 'linux/amd64,linux/arm64', ...with_ },
    });
    expect(run.errors).toEqual([]);
    return run;
  } finally {
    await job.cleanup();
  }
}

/**
 * scan (with the trivy stand-in) of `image`, asking for the SBOMs build-push reported
 * (`attestations`, its output); what trivy was given.
 */
async function scanSboms(image: string, attestations?: object) {
  const log = join(work, `standin-${Date.now()}.jsonl`);
  const job = await Job.create({
    workspace,
    env: {
      STANDIN_TRIVY_IMAGE: fixture('trivy', 'image-alpine-3.10.json'),
      STANDIN_TRIVY_SBOM: fixture('trivy', 'sbom-fluentd-cyclonedx.json'),
      STANDIN_LOG: log,
    },
  });
  job.path.unshift(standInBin(join(work, `bin-${Date.now()}`), ['trivy']));
  try {
    const run = await job.uses('actions/scan', {
      with: {
        image,
        sbom: 'true',
        ...(attestations ? { attestations: JSON.stringify(attestations) } : {}),
        'trivy-version': 'system',
        'fail-on': 'none',
        checks: 'never',
        'db-cache': 'off',
      },
    });
    // fail-on: none: the findings are annotations, the step succeeds
    expect(run.exitCode).toBe(0);
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[]; sbom?: string });
    return { run, calls };
  } finally {
    await job.cleanup();
  }
}

function validator(main: string, ...refs: string[]) {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  for (const r of refs) ajv.addSchema(JSON.parse(readFileSync(fixture(`schemas/${r}`), 'utf8')));
  const validate = ajv.compile(JSON.parse(readFileSync(fixture(`schemas/${main}`), 'utf8')));
  return (doc: unknown) => {
    const ok = validate(doc);
    return ok ? [] : validate.errors;
  };
}

/** The deps `go version -m` prints for a binary: path@version h1 lines. */
function goVersionDeps(binary: string): string[] {
  return execFileSync(go, ['version', '-m', binary], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /^\s+dep\s/.test(l))
    .map((l) => l.trim().split(/\s+/).slice(1).join(' '));
}

beforeAll(async () => {
  go = requireGo();
  work = mkdtempSync(join(tmpdir(), 'attestations-it-'));
  registry = await startRegistry();
  client = new RegistryClient(registry.host);
  workspace = serviceWorkspace();
}, 60_000);

afterAll(async () => {
  client?.close();
  await registry?.stop();
  if (work) {
    execFileSync('chmod', ['-R', 'u+w', work]);
    rmSync(work, { recursive: true, force: true });
  }
});

describe('SBOM and provenance for every platform', () => {
  let first: Record<string, { sbom: Digest; provenance: Digest }>;
  /** build-push's attestations output for the OCI layout `out`. */
  let inLayout: Record<string, { sbom?: Digest; provenance?: Digest }>;

  it('are findable by the referrers tag of each platform manifest, about that manifest', async () => {
    const run = await build({ images: `${registry.host}/svc`, tags: 'main' });
    first = JSON.parse(run.outputs.attestations!) as typeof first;
    const platforms = JSON.parse(run.outputs['platform-digests']!) as Record<string, Digest>;
    expect(Object.keys(first)).toEqual(['linux/amd64', 'linux/arm64']);
    const validSpdx = validator('spdx-2.3.schema.json');
    for (const [platform, subject] of Object.entries(platforms)) {
      const list = JSON.parse(
        (await client.getManifest('svc', subject.replace(':', '-'))).bytes.toString('utf8'),
      ) as ImageIndex;
      expect(list.manifests.map((d) => [d.artifactType, d.digest])).toEqual([
        ['application/spdx+json', first[platform]!.sbom],
        ['application/vnd.in-toto+json', first[platform]!.provenance],
      ]);
      const docs: Record<string, unknown> = {};
      for (const d of list.manifests) {
        const m = JSON.parse(
          (await client.getManifest('svc', d.digest)).bytes.toString('utf8'),
        ) as ImageManifest;
        expect(m.subject?.digest).toBe(subject);
        expect(m.config.mediaType).toBe('application/vnd.oci.empty.v1+json');
        docs[d.artifactType!] = JSON.parse(
          (await client.getBlob('svc', m.layers[0]!.digest)).toString('utf8'),
        );
      }
      const spdx = docs['application/spdx+json'] as {
        packages: {
          name: string;
          versionInfo: string;
          primaryPackagePurpose: string;
          checksums?: { checksumValue: string }[];
        }[];
        creationInfo: { created: string };
      };
      expect(validSpdx(spdx)).toEqual([]);
      // the schema is really applied: a document without its version fails it
      expect(validSpdx({ ...spdx, spdxVersion: undefined })).not.toEqual([]);
      expect(spdx.creationInfo.created).toBe('2024-05-01T12:00:00Z');

      // exactly the modules Go compiled into this platform's binary
      const manifest = JSON.parse(
        (await client.getManifest('svc', subject)).bytes.toString('utf8'),
      ) as ImageManifest;
      const root = join(work, `rootfs-${platform.replace('/', '-')}`);
      await extractImage((d) => client.getBlob('svc', d), manifest, root);
      const printed = goVersionDeps(join(root, 'usr/local/bin/svc'));
      expect(printed).toHaveLength(2);
      const listed = spdx.packages
        .filter((p) => p.primaryPackagePurpose === 'LIBRARY' && p.name !== 'stdlib')
        .map((p) => p);
      expect(
        listed.map(
          (p) =>
            `${p.name} ${p.versionInfo} h1:${Buffer.from(p.checksums![0]!.checksumValue, 'hex').toString('base64')}`,
        ),
      ).toEqual(printed);

      const statement = docs['application/vnd.in-toto+json'] as {
        _type: string;
        predicateType: string;
        subject: { digest: { sha256: string } }[];
        predicate: { buildDefinition: { externalParameters: { platform: string } } };
      };
      expect(statement._type).toBe('https://in-toto.io/Statement/v1');
      expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
      expect(statement.subject[0]!.digest.sha256).toBe(subject.slice(7));
      expect(statement.predicate.buildDefinition.externalParameters.platform).toBe(platform);
    }
  }, 180_000);

  it('a second build of the commit: the same SBOM bytes, nothing listed twice', async () => {
    const run = await build({ images: `${registry.host}/svc`, tags: 'again' });
    const again = JSON.parse(run.outputs.attestations!) as typeof first;
    for (const p of Object.keys(first)) expect(again[p]!.sbom).toBe(first[p]!.sbom);
    const platforms = JSON.parse(run.outputs['platform-digests']!) as Record<string, Digest>;
    for (const subject of Object.values(platforms)) {
      const list = JSON.parse(
        (await client.getManifest('svc', subject.replace(':', '-'))).bytes.toString('utf8'),
      ) as ImageIndex;
      expect(new Set(list.manifests.map((d) => d.digest)).size).toBe(list.manifests.length);
    }
  }, 180_000);

  it('CycloneDX on request, into an OCI layout, valid against CycloneDX 1.5', async () => {
    const layout = join(workspace, 'out');
    const run = await build({
      tags: 'main',
      'oci-layout': 'out',
      sbom: 'cyclonedx',
      provenance: 'false',
    });
    const attached = JSON.parse(run.outputs.attestations!) as typeof inLayout;
    inLayout = attached;
    const validCdx = validator(
      'cyclonedx-bom-1.5.schema.json',
      'cyclonedx-spdx.schema.json',
      'cyclonedx-jsf-0.82.schema.json',
    );
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as ImageIndex;
    for (const a of Object.values(attached)) {
      expect(a.provenance).toBeUndefined();
      const listed = index.manifests.find((m) => m.digest === a.sbom);
      expect(listed?.artifactType).toBe('application/vnd.cyclonedx+json');
      const blob = (d: string) => readFileSync(join(layout, 'blobs', 'sha256', d.slice(7)), 'utf8');
      const m = JSON.parse(blob(a.sbom!)) as ImageManifest;
      const bom = JSON.parse(blob(m.layers[0]!.digest)) as { components: { name: string }[] };
      expect(validCdx(bom)).toEqual([]);
      expect(validCdx({ ...bom, components: [{ type: 'nonsense', name: 'x' }] })).not.toEqual([]);
      expect(bom.components.map((c) => c.name)).toEqual(
        expect.arrayContaining(['example.com/greet', 'example.com/shout', 'stdlib']),
      );
    }
  }, 180_000);

  it("scan takes each platform's reported SBOM to trivy sbom, and says so; an image without one is scanned as an image", async () => {
    const { run, calls } = await scanSboms(`${registry.host}/svc:main`, first);
    expect(calls.map((c) => [c.argv[0], c.sbom])).toEqual([
      ['sbom', 'SPDX-2.3'],
      ['sbom', 'SPDX-2.3'],
    ]);
    for (const [p, a] of Object.entries(first))
      expect(run.summary).toContain(`${registry.host}/svc:main ${p}: its SBOM (${a.sbom})`);
    // the recorded report (3 findings) once per platform
    expect(JSON.parse(run.outputs.findings!).total).toBe(6);

    await build({ images: `${registry.host}/bare`, tags: 'main', sbom: 'false' });
    const bare = await scanSboms(`${registry.host}/bare:main`, first);
    expect(bare.calls.map((c) => c.argv[0])).toEqual(['image', 'image']);
    expect(bare.run.summary).toContain(
      'linux/arm64: the image (build-push reported no SBOM for it)',
    );
  }, 180_000);

  it('an SBOM attached to the image but not reported by build-push is never trusted', async () => {
    // svc:main has SBOMs attached (by anyone who may push there): without build-push's word for
    // them, each platform is scanned as an image
    const unreported = await scanSboms(`${registry.host}/svc:main`);
    expect(unreported.calls.map((c) => c.argv[0])).toEqual(['image', 'image']);
    // a reported SBOM is taken only for the image it names: svc's SBOMs say nothing of bare
    const elsewhere = await scanSboms(`${registry.host}/bare:main`, first);
    expect(elsewhere.calls.map((c) => c.argv[0])).toEqual(['image', 'image']);
  }, 120_000);

  it('scan finds a CycloneDX SBOM in an OCI layout', async () => {
    const { calls } = await scanSboms(`oci:${join(workspace, 'out')}:main`, inLayout);
    expect(calls.map((c) => [c.argv[0], c.sbom])).toEqual([
      ['sbom', 'CycloneDX 1.5'],
      ['sbom', 'CycloneDX 1.5'],
    ]);
  }, 60_000);

  it('attestations: index puts them in the image index as BuildKit does (skopeo reads it), and scan finds the SBOM there', async () => {
    const run = await build({
      images: `${registry.host}/indexed`,
      tags: 'main',
      attestations: 'index',
    });
    const reported = JSON.parse(run.outputs.attestations!) as Record<
      string,
      { sbom: Digest; provenance: Digest }
    >;
    const platforms = JSON.parse(run.outputs['platform-digests']!) as Record<string, Digest>;
    const raw = execFileSync('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.host}/indexed:main`,
    ]);
    const index = JSON.parse(raw.toString()) as ImageIndex;
    expect(run.outputs.digest).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
    // the platform images first, then one attestation manifest each, as BuildKit lists them
    expect(
      index.manifests.map((m) => [m.platform!.os, m.annotations?.['vnd.docker.reference.type']]),
    ).toEqual([
      ['linux', undefined],
      ['linux', undefined],
      ['unknown', 'attestation-manifest'],
      ['unknown', 'attestation-manifest'],
    ]);
    for (const [platform, subject] of Object.entries(platforms)) {
      const entry = index.manifests.find(
        (m) => m.annotations?.['vnd.docker.reference.digest'] === subject,
      )!;
      expect([reported[platform]!.sbom, reported[platform]!.provenance]).toEqual([
        entry.digest,
        entry.digest,
      ]);
      const m = JSON.parse(
        (await client.getManifest('indexed', entry.digest)).bytes.toString('utf8'),
      ) as ImageManifest;
      expect(
        m.layers.map((l) => [l.mediaType, l.annotations?.['in-toto.io/predicate-type']]),
      ).toEqual([
        ['application/vnd.in-toto+json', 'https://spdx.dev/Document'],
        ['application/vnd.in-toto+json', 'https://slsa.dev/provenance/v1'],
      ]);
      const statement = JSON.parse(
        (await client.getBlob('indexed', m.layers[0]!.digest)).toString('utf8'),
      ) as { subject: { digest: { sha256: string } }[]; predicate: { spdxVersion: string } };
      expect(`sha256:${statement.subject[0]!.digest.sha256}`).toBe(subject);
      expect(statement.predicate.spdxVersion).toBe('SPDX-2.3');
      // no referrers: nothing under the subject's referrers tag
      await expect(client.getManifest('indexed', subject.replace(':', '-'))).rejects.toThrow(/404/);
    }
    const { calls } = await scanSboms(`${registry.host}/indexed:main`, reported);
    expect(calls.map((c) => [c.argv[0], c.sbom])).toEqual([
      ['sbom', 'SPDX-2.3'],
      ['sbom', 'SPDX-2.3'],
    ]);
  }, 180_000);

  it('a registry with the referrers API indexes them: no referrers tag is written, and scan finds them there', async () => {
    const front = await startReferrersFront(Number(registry.host.split(':')[1]));
    try {
      const run = await build({ images: `${front.host}/api`, tags: 'main' });
      const attached = JSON.parse(run.outputs.attestations!) as typeof first;
      const platforms = JSON.parse(run.outputs['platform-digests']!) as Record<string, Digest>;
      for (const [p, subject] of Object.entries(platforms))
        expect(front.referrers.get(subject)?.map((d) => d.digest)).toEqual([
          attached[p]!.sbom,
          attached[p]!.provenance,
        ]);
      const tags = await client.listTags('api');
      expect(tags).toEqual(await imageTags(client, 'api'));
      expect(tags).toEqual(['main']);
      const { calls } = await scanSboms(`${front.host}/api:main`, attached);
      expect(calls.map((c) => [c.argv[0], c.sbom])).toEqual([
        ['sbom', 'SPDX-2.3'],
        ['sbom', 'SPDX-2.3'],
      ]);
    } finally {
      await front.close();
    }
  }, 120_000);
});
