import { createHash } from 'node:crypto';
import {
  rebasedAttestations,
  sbomContents,
  type RebasedImage,
} from '../../../src/attest/rebased.js';
import { cyclonedxDocument, SBOM_MEDIA_TYPE, spdxDocument } from '../../../src/attest/sbom.js';
import type { AttestedImage } from '../../../src/attest/subject.js';
import type { Digest } from '../../../src/oci/digest.js';

const sha = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex')}` as Digest;
const h1 = (v: string) => `h1:${createHash('sha256').update(v).digest('base64')}`;

const built: AttestedImage = {
  name: 'ghcr.io/acme/app',
  platform: 'linux/arm64',
  digest: sha('old image'),
  created: '2024-05-01T12:00:00Z',
  revision: 'c'.repeat(40),
  buildInfo: {
    goVersion: 'go1.23.5',
    path: 'example.com/app/cmd/app',
    main: { path: 'example.com/app', version: '(devel)' },
    deps: [
      { path: 'example.com/greet', version: 'v1.1.0', sum: h1('greet') },
      {
        path: 'example.com/old',
        version: 'v0.1.0',
        sum: h1('old'),
        replace: { path: 'example.com/fork', version: 'v0.1.1', sum: h1('fork') },
      },
    ],
    settings: { 'vcs.revision': 'c'.repeat(40) },
  },
  base: { name: 'ghcr.io/acme/base:1', digest: sha('base v1') },
};
const BASE2 = { name: 'ghcr.io/acme/base:1', digest: sha('base v2') };
const RUN = {
  repositoryUrl: 'https://github.com/acme/app',
  ref: 'refs/heads/main',
  runUrl: 'https://github.com/acme/app/actions/runs/9/attempts/1',
  builderId: 'https://github.com/acme/app/.github/workflows/nightly.yml@refs/heads/main',
};

function rebased(format: 'spdx' | 'cyclonedx'): RebasedImage {
  const doc = format === 'spdx' ? spdxDocument(built) : cyclonedxDocument(built);
  const sbom = sbomContents(SBOM_MEDIA_TYPE[format], Buffer.from(JSON.stringify(doc)));
  expect(sbom).toBeDefined();
  return {
    platform: built.platform,
    descriptor: {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha('new image'),
      size: 1234,
    },
    name: built.name,
    created: built.created,
    old: { name: built.name, digest: built.digest },
    base: BASE2,
    sbom: sbom!,
  };
}

describe('a rebased image is attested again from its old SBOM', () => {
  it.each(['spdx', 'cyclonedx'] as const)(
    '%s: the same document as build-push writes for the new digest and base, byte for byte',
    (format) => {
      const image = rebased(format);
      expect(image.sbom?.describes).toBe(built.digest);
      const { artifacts, attached } = rebasedAttestations([image], {
        sbom: () => format,
        provenance: () => false,
        run: RUN,
      });
      const expected = { ...built, digest: image.descriptor.digest, base: BASE2 };
      // what build-push would have written, had it built these bytes on v2 (the modules as
      // compiled in: a replacement's target)
      const direct = format === 'spdx' ? spdxDocument(expected) : cyclonedxDocument(expected);
      const writtenAgain = JSON.parse(artifacts[0]!.content.bytes.toString('utf8')) as object;
      const compiled = JSON.parse(JSON.stringify(direct)) as object;
      expect(writtenAgain).toEqual(compiled);
      expect(attached[built.platform]).toEqual({ sbom: artifacts[0]!.manifest.digest });
      const manifest = JSON.parse(artifacts[0]!.manifest.bytes.toString('utf8')) as {
        subject: { digest: string };
      };
      expect(manifest.subject.digest).toBe(image.descriptor.digest);
      expect(JSON.stringify(writtenAgain)).not.toContain(built.base!.digest);
    },
  );

  it('an SPDX SBOM is written again as CycloneDX when asked', () => {
    const image = rebased('spdx');
    const { artifacts } = rebasedAttestations([image], {
      sbom: () => 'cyclonedx',
      provenance: () => false,
      run: RUN,
    });
    expect(artifacts[0]!.manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const doc = JSON.parse(artifacts[0]!.content.bytes.toString('utf8')) as {
      bomFormat: string;
      components: { name: string }[];
    };
    expect(doc.bomFormat).toBe('CycloneDX');
    expect(doc.components.map((c) => c.name)).toEqual([
      'example.com/app',
      'example.com/greet',
      'example.com/fork',
      'stdlib',
      BASE2.name,
    ]);
  });

  it('the provenance names the old image and the new base as what was resolved', () => {
    const image = rebased('spdx');
    const { artifacts, attached } = rebasedAttestations([image], {
      sbom: () => false,
      provenance: () => true,
      run: RUN,
    });
    expect(Object.keys(attached[built.platform]!)).toEqual(['provenance']);
    const statement = JSON.parse(artifacts[0]!.content.bytes.toString('utf8')) as {
      subject: { name: string; digest: { sha256: string } }[];
      predicate: {
        buildDefinition: { buildType: string; resolvedDependencies: object[] };
        runDetails: { builder: { id: string } };
      };
    };
    expect(statement.subject).toEqual([
      { name: built.name, digest: { sha256: image.descriptor.digest.slice(7) } },
    ]);
    expect(statement.predicate.buildDefinition.buildType).toBe('urn:gantry:buildtype:rebase:v1');
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([
      expect.objectContaining({ name: 'image', digest: { sha256: built.digest.slice(7) } }),
      expect.objectContaining({ name: 'base', digest: { sha256: BASE2.digest.slice(7) } }),
    ]);
    expect(statement.predicate.runDetails.builder.id).toBe(RUN.builderId);
  });

  it.each([
    ['not JSON', SBOM_MEDIA_TYPE.spdx, 'nope'],
    [
      'another tool’s SPDX (no image package)',
      SBOM_MEDIA_TYPE.spdx,
      JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [{ SPDXID: 'SPDXRef-x', name: 'x' }] }),
    ],
    [
      'a module without a version',
      SBOM_MEDIA_TYPE.spdx,
      JSON.stringify({
        ...(spdxDocument(built) as object),
        packages: [
          ...(spdxDocument(built) as { packages: object[] }).packages,
          { SPDXID: 'SPDXRef-module-9', name: 'm' },
        ],
      }),
    ],
    ['a provenance statement', 'application/vnd.in-toto+json', JSON.stringify({ _type: 'x' })],
  ])('%s is no SBOM of ours: nothing is carried', (_, type, text) => {
    expect(sbomContents(type, Buffer.from(text))).toBeUndefined();
  });
});
