import { formatPlatform, type Platform } from '../../oci/platform.js';

/** Everything one `pack build --publish` is given, typed: the argv is a pure function of it. */
export interface PackRequest {
  /** registry/repository:tag to publish this platform's image to. */
  image: string;
  path: string;
  platform: Platform;
  builder?: string;
  env: Record<string, string>;
  trustBuilder: boolean;
}

/** argv of `pack build` (pack 0.3x): one platform, published straight to the registry. */
export function packBuildArgs(r: PackRequest): string[] {
  return [
    'build',
    r.image,
    '--path',
    r.path,
    '--publish',
    '--platform',
    formatPlatform(r.platform),
    ...(r.builder ? ['--builder', r.builder] : []),
    ...(r.trustBuilder ? ['--trust-builder'] : []),
    ...Object.entries(r.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
  ];
}

/** The per-platform tag pack publishes to before gantry assembles the index: `<tag>-linux-arm64-v8`. */
export function platformTag(tag: string, p: Platform): string {
  return `${tag}-${[p.os, p.architecture, p.variant].filter(Boolean).join('-')}`.slice(0, 128);
}
