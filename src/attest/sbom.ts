import type { BuildInfoModule } from '../tools/go/buildinfo.js';
import type { Digest } from '../oci/digest.js';
import {
  compiled,
  goPurl,
  h1Hex,
  ociPurl,
  stdlibPurl,
  timestamp,
  uuidFrom,
  type AttestedImage,
} from './subject.js';

export const SBOM_FORMATS = ['spdx', 'cyclonedx'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

/** The artifactType (and layer media type) of each SBOM format, as registries and scanners expect. */
export const SBOM_MEDIA_TYPE: Record<SbomFormat, string> = {
  spdx: 'application/spdx+json',
  cyclonedx: 'application/vnd.cyclonedx+json',
};

const TOOL = 'gantry';

function mainVersion(image: AttestedImage): string {
  const v = image.buildInfo.main?.version;
  return v && v !== '(devel)' ? v : image.buildInfo.settings['vcs.revision'] || image.revision;
}

/** An SPDX package for an image (the built one, or its base), named by its purl. */
function container(spdxId: string, name: string, digest: Digest, arch?: string) {
  return {
    SPDXID: spdxId,
    name,
    versionInfo: digest,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: ociPurl(name, digest, arch),
      },
    ],
  };
}

/**
 * An SPDX 2.3 document for one platform image: the image, the main module, every module Go
 * compiled in (version, h1 checksum as SHA256, purl), Go's standard library, and the base image.
 * Only the commit's time appears in it: one commit, one document, byte for byte.
 */
export function spdxDocument(image: AttestedImage): object {
  const info = image.buildInfo;
  const arch = image.platform.split('/')[1];
  const id = (kind: string, i: number | string) => `SPDXRef-${kind}-${i}`;
  const pkg = (spdxId: string, m: BuildInfoModule, purl: string) => {
    const hex = h1Hex(m.sum);
    return {
      SPDXID: spdxId,
      name: m.path,
      versionInfo: m.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(hex ? { checksums: [{ algorithm: 'SHA256', checksumValue: hex }] } : {}),
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl },
      ],
    };
  };
  const main: BuildInfoModule = {
    path: info.main?.path ?? info.path,
    version: mainVersion(image),
  };
  const deps = info.deps.map((d) => compiled(d));
  const packages = [
    container('SPDXRef-image', image.name, image.digest, arch),
    { ...pkg('SPDXRef-main', main, goPurl(main)), primaryPackagePurpose: 'APPLICATION' },
    ...deps.map((d, i) => ({
      ...pkg(id('module', i + 1), d, goPurl(d)),
      primaryPackagePurpose: 'LIBRARY',
    })),
    {
      ...pkg(
        'SPDXRef-stdlib',
        { path: 'stdlib', version: info.goVersion },
        stdlibPurl(info.goVersion),
      ),
      primaryPackagePurpose: 'LIBRARY',
    },
    ...(image.base ? [container('SPDXRef-base', image.base.name, image.base.digest, arch)] : []),
  ];
  const rel = (a: string, type: string, b: string) => ({
    spdxElementId: a,
    relationshipType: type,
    relatedSpdxElement: b,
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${image.name} ${image.platform}`,
    documentNamespace: `https://spdx.org/spdxdocs/${TOOL}-${uuidFrom(image.digest, 'spdx')}`,
    creationInfo: { created: timestamp(image.created), creators: [`Tool: ${TOOL}`] },
    packages,
    relationships: [
      rel('SPDXRef-DOCUMENT', 'DESCRIBES', 'SPDXRef-image'),
      rel('SPDXRef-image', 'CONTAINS', 'SPDXRef-main'),
      ...deps.map((_, i) => rel('SPDXRef-main', 'DEPENDS_ON', id('module', i + 1))),
      rel('SPDXRef-main', 'DEPENDS_ON', 'SPDXRef-stdlib'),
      ...(image.base ? [rel('SPDXRef-image', 'DESCENDANT_OF', 'SPDXRef-base')] : []),
    ],
  };
}

/** The same content as CycloneDX 1.5 JSON. */
export function cyclonedxDocument(image: AttestedImage): object {
  const info = image.buildInfo;
  const arch = image.platform.split('/')[1];
  const main: BuildInfoModule = { path: info.main?.path ?? info.path, version: mainVersion(image) };
  const deps = info.deps.map((d) => compiled(d));
  const library = (m: BuildInfoModule, purl: string) => {
    const hex = h1Hex(m.sum);
    return {
      type: 'library',
      'bom-ref': purl,
      name: m.path,
      version: m.version,
      purl,
      ...(hex ? { hashes: [{ alg: 'SHA-256', content: hex }] } : {}),
    };
  };
  const imagePurl = ociPurl(image.name, image.digest, arch);
  const mainPurl = goPurl(main);
  const stdlib = stdlibPurl(info.goVersion);
  const basePurl = image.base ? ociPurl(image.base.name, image.base.digest, arch) : undefined;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuidFrom(image.digest, 'cyclonedx')}`,
    version: 1,
    metadata: {
      timestamp: timestamp(image.created),
      tools: { components: [{ type: 'application', name: TOOL }] },
      component: {
        type: 'container',
        'bom-ref': imagePurl,
        name: image.name,
        version: image.digest,
        purl: imagePurl,
        properties: [{ name: 'platform', value: image.platform }],
      },
    },
    components: [
      {
        type: 'application',
        'bom-ref': mainPurl,
        name: main.path,
        version: main.version,
        purl: mainPurl,
      },
      ...deps.map((d) => library(d, goPurl(d))),
      library({ path: 'stdlib', version: info.goVersion }, stdlib),
      ...(image.base && basePurl
        ? [
            {
              type: 'container',
              'bom-ref': basePurl,
              name: image.base.name,
              version: image.base.digest,
              purl: basePurl,
            },
          ]
        : []),
    ],
    dependencies: [
      { ref: imagePurl, dependsOn: [mainPurl, ...(basePurl ? [basePurl] : [])] },
      { ref: mainPurl, dependsOn: [...deps.map((d) => goPurl(d)), stdlib] },
    ],
  };
}
