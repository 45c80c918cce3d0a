import type { BlobSink, ManifestToPush } from '../oci/blob.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import type { Blob } from '../oci/manifest.js';
import type { Platform } from '../oci/platform.js';
import type { Reference } from '../oci/reference.js';
import type { Credentials } from '../oci/registry/auth.js';
import type { RegistryClient } from '../oci/registry/client.js';
import type { Compression } from '../image/compress.js';
import type { Timeline } from '../runtime/timeline.js';
import type { BuildInfo } from '../tools/go/buildinfo.js';
import type { BuildParameters } from '../attest/provenance.js';

/** What every builder is asked: one request, whichever builder runs. */
export interface BuildRequest {
  /** The source folder (a Go module, or the Dockerfile's context). */
  context: string;
  platforms: Platform[];
  /** The image's time, in seconds: every rebuild of a commit makes the same image. */
  epoch: number;
  labels: Record<string, string>;
  /** The index's annotations. */
  annotations: Record<string, string>;
  /** The image's environment (go) or the build's (pack). */
  env: Record<string, string>;
  /** Layer compression; `given` when the user chose it (BuildKit keeps its own default else). */
  compression: { compression: Compression; level: number; given: boolean };
  /**
   * The login the inputs gave, for its registry: a builder whose tool pushes itself (buildctl)
   * hands it on; gantry's own clients have it already.
   */
  login?: { registry: string; credentials: Credentials } | undefined;
  /** Reads bases, and what a builder pushed itself, from any registry. */
  clientFor: (registry: string) => RegistryClient;
  /**
   * The repositories the image goes to. A builder that uploads itself (BuildKit, pack) writes
   * blobs and manifests there by digest — never a tag; publish moves the tags.
   */
  destinations: Reference[];
  /** A scratch folder of the build's, removed after the image is published. */
  workDir: string;
  timeline: Timeline;
  /** Takes each blob as soon as it exists, so uploads run while other platforms build. */
  uploads?: BlobSink;
  /** Stops the build (its compiles and tools killed): a destination cannot take the push. */
  signal?: AbortSignal;
}

/** One manifest of the built image: a platform's image, or an attestation BuildKit made. */
export interface PlatformImage extends ManifestToPush {
  platform: Platform;
  /** Its entry in the index. */
  descriptor: Descriptor;
  /** The binary's Go build info (go builder): what its SBOM lists. */
  buildInfo?: BuildInfo;
  /** Its base, when that is an image in a registry: what its SBOM and provenance name. */
  base?: { name: string; digest: Digest };
}

/** What every builder hands to publish: each manifest with its blobs, and the index over them. */
export interface BuiltImage {
  images: PlatformImage[];
  index: Blob;
  /** What the build was asked, as its provenance records it (the go builder's attestations). */
  parameters?: BuildParameters;
}

export interface Builder {
  /** `go`, `buildkit` or `pack`: for logs and the timeline. */
  readonly name: string;
  build(request: BuildRequest): Promise<BuiltImage>;
}
