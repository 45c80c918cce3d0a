import { UserError } from '../../runtime/errors.js';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The descriptor BuildKit exported (an index, or one platform's manifest with its platform). */
export interface ExportedDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

/** `containerimage.descriptor` of the metadata file, its digest checked. */
export function parseBuildctlDescriptor(text: string): ExportedDescriptor {
  const digest = parseBuildctlMetadata(text);
  const d = (JSON.parse(text) as Record<string, unknown>)['containerimage.descriptor'] as
    ExportedDescriptor | undefined;
  if (!d || d.digest !== digest || typeof d.size !== 'number' || typeof d.mediaType !== 'string')
    throw new UserError(
      `buildctl's metadata has no descriptor of ${digest}: ${text.slice(0, 200)}`,
    );
  return d;
}

/**
 * The image digest from `buildctl build --metadata-file`: `containerimage.digest` (the index for a
 * multi-platform build), else the descriptor's digest.
 */
export function parseBuildctlMetadata(text: string): string {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UserError('buildctl wrote a metadata file that is not JSON');
  }
  const descriptor = meta['containerimage.descriptor'] as { digest?: unknown } | undefined;
  const digest = meta['containerimage.digest'] ?? descriptor?.digest;
  if (typeof digest !== 'string' || !DIGEST.test(digest))
    throw new UserError(
      `buildctl's metadata has no image digest (containerimage.digest): ${text.slice(0, 200)}`,
    );
  return digest;
}
