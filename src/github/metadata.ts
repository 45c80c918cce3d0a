import { Annotation } from '../oci/mediatypes.js';
import type { GitContext } from './context.js';

/** A docker tag from a branch or tag name: invalid characters become '-', at most 128. */
export function sanitizeTag(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/**
 * The labels metadata-action gives an image from the git context: created, title, source, url
 * and revision (the PR head, not the merge commit). The version label is the image's version.
 */
export function gitLabels(ctx: GitContext, created: string): Record<string, string> {
  const labels: Record<string, string> = { [Annotation.created]: created };
  if (ctx.repository) {
    labels['org.opencontainers.image.title'] = ctx.repository.split('/').pop() ?? ctx.repository;
    labels[Annotation.source] = `${ctx.serverUrl}/${ctx.repository}`;
    labels['org.opencontainers.image.url'] = `${ctx.serverUrl}/${ctx.repository}`;
  }
  if (ctx.sha) labels[Annotation.revision] = ctx.sha;
  return labels;
}
