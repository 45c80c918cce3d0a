import { ValidationError } from '../runtime/errors.js';

/** How one tool is released: asset names, archive layout, checksum file. */
export interface ToolSpec {
  /** Tool-cache name. */
  name: string;
  /** owner/repo of its GitHub releases. */
  repo: string;
  defaultTag: string;
  /** Normalises a version input (`0.40.8`, `v0.40.8`) to a release tag; undefined when not one. */
  tag(version: string): string | undefined;
  /** Accepted version inputs, for the error message. */
  versionHelp: string;
  /** Asset name for a tag on `<os>-<arch>` (release-asset naming of releasePlatform()). */
  asset(tag: string, platform: string): string | undefined;
  archive: 'tar.gz' | 'binary';
  /** Files that must exist after extraction (relative), the first being the main binary. */
  binaries: (tag: string) => string[];
  /** The directory (relative) that goes on PATH. */
  binDir?: string;
  /** The release's own checksum file for an asset, and how to find the asset's line in it. */
  checksumFile?: (tag: string, asset: string) => string;
  /** Semver-shaped version for the tool cache. */
  cacheVersion(tag: string): string;
  /** Whether `latest` may be asked for (not where releases/latest is not the newest). */
  noLatest?: boolean;
}

const semverTag = (value: string) =>
  /^v?\d+\.\d+\.\d+$/.test(value) ? `v${value.replace(/^v/, '')}` : undefined;
const plain = (tag: string) => tag.replace(/^v/, '');

export const SPECS = {
  buildkit: {
    name: 'buildkit',
    repo: 'moby/buildkit',
    defaultTag: 'v0.33.1',
    tag: semverTag,
    versionHelp: 'a BuildKit release such as v0.33.1, or latest',
    asset: (tag, platform) =>
      `buildkit-${tag}.${platform.replace('linux-arm-v7', 'linux-arm-v7')}.tar.gz`,
    archive: 'tar.gz',
    binaries: () => ['bin/buildctl', 'bin/buildkitd'],
    binDir: 'bin',
    cacheVersion: plain,
  },
  pack: {
    name: 'pack',
    repo: 'buildpacks/pack',
    defaultTag: 'v0.40.8',
    tag: semverTag,
    versionHelp: 'a pack release such as v0.40.8, or latest',
    asset: (tag, platform) =>
      ({ 'linux-amd64': `pack-${tag}-linux.tgz`, 'linux-arm64': `pack-${tag}-linux-arm64.tgz` })[
        platform
      ],
    archive: 'tar.gz',
    binaries: () => ['pack'],
    checksumFile: (_tag, asset) => `${asset}.sha256`,
    cacheVersion: plain,
  },
  trivy: {
    name: 'trivy',
    repo: 'aquasecurity/trivy',
    defaultTag: 'v0.74.0',
    tag: (value) => {
      const tag = semverTag(value);
      // March 2026: the 0.69.x releases were compromised; never install them
      return tag && !/^v0\.69\./.test(tag) ? tag : undefined;
    },
    versionHelp: 'a trivy release such as v0.74.0 (never 0.69.x), or latest',
    asset: (tag, platform) =>
      ({
        'linux-amd64': `trivy_${plain(tag)}_Linux-64bit.tar.gz`,
        'linux-arm64': `trivy_${plain(tag)}_Linux-ARM64.tar.gz`,
      })[platform],
    archive: 'tar.gz',
    binaries: () => ['trivy'],
    checksumFile: (tag) => `trivy_${plain(tag)}_checksums.txt`,
    cacheVersion: plain,
  },
  hadolint: {
    name: 'hadolint',
    repo: 'hadolint/hadolint',
    defaultTag: 'v2.15.1',
    tag: semverTag,
    versionHelp: 'a hadolint release such as v2.15.1, or latest',
    asset: (_tag, platform) =>
      ({ 'linux-amd64': 'hadolint-linux-x86_64', 'linux-arm64': 'hadolint-linux-arm64' })[platform],
    archive: 'binary',
    binaries: () => ['hadolint'],
    checksumFile: (tag, asset) =>
      /^v2\.1[5-9]\.|^v[3-9]\./.test(tag) ? 'checksums.sha256' : `${asset}.sha256`,
    cacheVersion: plain,
  },
  'binfmt-qemu': {
    name: 'binfmt-qemu',
    repo: 'tonistiigi/binfmt',
    defaultTag: 'deploy/v10.2.3-68',
    tag: (value) => {
      const m = /^(?:deploy\/)?(v\d+\.\d+\.\d+)-(\d+)$/.exec(value.trim());
      return m ? `deploy/${m[1]}-${m[2]}` : undefined;
    },
    versionHelp: 'a tonistiigi/binfmt release such as v10.2.3-68 or deploy/v10.2.3-68',
    asset: (tag, platform) =>
      `qemu_${tag.slice('deploy/'.length).replace(/-\d+$/, '')}_${platform}.tar.gz`,
    archive: 'tar.gz',
    // which emulators must be there depends on the platforms asked for: setup-qemu checks them
    binaries: () => [],
    cacheVersion: (tag) => tag.slice('deploy/v'.length),
    // non-deploy releases are marked prerelease, so releases/latest may not be the newest
    noLatest: true,
  },
} satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof SPECS;

/** A version input: '' (the pinned default), `latest`, or a release of the tool. */
export function parseVersion(spec: ToolSpec, input: string, value: string): string | 'latest' {
  const v = value.trim();
  if (v === '') return spec.defaultTag;
  if (v === 'latest' && !spec.noLatest) return 'latest';
  const tag = spec.tag(v);
  if (!tag) throw new ValidationError(input, value, spec.versionHelp);
  return tag;
}
