/**
 * sha256 of release assets gantry installs, pinned in the repo so a default install never trusts
 * the download host. Keys: tool → release tag → `<os>-<arch>`. Only values confirmed by two
 * independent sources are pinned; other versions need the release's own checksum file or a
 * `checksum` input. The values are in pinned.generated.ts, written from the project's
 * pinned-checksums fixture by scripts/pinned.mjs.
 */
import { hostPlatform } from '../oci/platform.js';
import { PINNED } from './pinned.generated.js';

export interface PinnedAsset {
  asset: string;
  sha256: string;
}

export function pinnedAsset(tool: string, tag: string, platform: string): PinnedAsset | undefined {
  return PINNED[tool]?.[tag]?.[platform];
}

/** The `<os>-<arch>[-variant]` name release assets use for the machine we run on. */
export function releasePlatform(
  nodeArch: string = process.arch,
  nodePlatform: string = process.platform,
): string {
  const { architecture, variant } = hostPlatform(nodeArch);
  const os = nodePlatform === 'win32' ? 'windows' : nodePlatform;
  return `${os}-${architecture}${variant ? `-${variant}` : ''}`;
}
