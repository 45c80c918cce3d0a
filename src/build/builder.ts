import type { Descriptor } from '../oci/descriptor.js';
import type { BuildInfo } from './go/buildinfo.js';
import type { Blob } from '../oci/manifest.js';
import type { Platform } from '../oci/platform.js';
import type { ManifestToPush } from '../publish/publish.js';

/** One platform's image, built: what publish needs, and its descriptor for the index. */
export interface PlatformImage extends ManifestToPush {
  platform: Platform;
  config: Blob;
  descriptor: Descriptor;
  /** The binary's Go build info (go builder): what its SBOM lists. */
  buildInfo?: BuildInfo;
}

/** What every builder hands to publish: images per platform and the index over them. */
export interface BuildResult {
  images: PlatformImage[];
  index: Blob;
}

export interface Builder {
  build(): Promise<BuildResult>;
}
