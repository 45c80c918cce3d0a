/**
 * sha256 of release assets gantry installs by default, pinned in the repo so a default install
 * never trusts the download host. Keys: tool → release tag → `<os>-<arch>`. Only values confirmed
 * by two independent sources are pinned; other versions need the release's own checksum file or
 * a `checksum` input.
 */
export interface PinnedAsset {
  asset: string;
  sha256: string;
}

export const PINNED: Record<string, Record<string, Record<string, PinnedAsset>>> = {
  'binfmt-qemu': {
    'deploy/v10.2.3-68': {
      'linux-amd64': {
        asset: 'qemu_v10.2.3_linux-amd64.tar.gz',
        sha256: '8e7d8f4c0c7809fc3fea0085199fd6b16f671e7c73d9bf6bec711e1cb535920a',
      },
    },
  },
};

export function pinnedAsset(tool: string, tag: string, platform: string): PinnedAsset | undefined {
  return PINNED[tool]?.[tag]?.[platform];
}

/** The `<os>-<arch>[-variant]` name release assets use for the machine we run on. */
export function releasePlatform(
  nodeArch: string = process.arch,
  nodePlatform: string = process.platform,
): string {
  const arch: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm-v7',
    ia32: '386',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  const os = nodePlatform === 'win32' ? 'windows' : nodePlatform;
  return `${os}-${arch[nodeArch] ?? nodeArch}`;
}
