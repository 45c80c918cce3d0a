import { UserError } from '../../runtime/errors.js';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

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
