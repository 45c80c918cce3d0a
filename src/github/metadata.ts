import { Annotation } from '../oci/mediatypes.js';
import type { GitContext } from './context.js';

/** Tags, labels and annotations for an image, shaped like docker/metadata-action's output. */
export interface Metadata {
  version: string;
  /** Bare tags (`1.2.3`, `pr-42`), applied to every image name. */
  tags: string[];
  labels: Record<string, string>;
}

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** A docker tag from a branch or tag name: invalid characters become '-', at most 128. */
export function sanitizeTag(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

/**
 * Tags as metadata-action users expect: a vX.Y.Z tag → X.Y.Z, X.Y, X (not for 0) and latest
 * (a prerelease only gets its full version); a branch → its name; a pull request → pr-N;
 * a schedule → nightly; and sha-<7> of the commit (the PR head, not the merge commit).
 */
export function deriveMetadata(ctx: GitContext, created: string): Metadata {
  const tags: string[] = [];
  let version = '';
  const short = ctx.sha.slice(0, 7);
  if (ctx.eventName === 'schedule') {
    version = 'nightly';
    tags.push('nightly');
  } else if (ctx.prNumber !== undefined && ctx.eventName.startsWith('pull_request')) {
    version = `pr-${ctx.prNumber}`;
    tags.push(version);
  } else if (ctx.ref.startsWith('refs/tags/')) {
    const name = ctx.ref.slice('refs/tags/'.length);
    const m = SEMVER.exec(name);
    if (m) {
      const [, major, minor, patch, pre] = m;
      version = `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}`;
      tags.push(version);
      if (!pre) {
        tags.push(`${major}.${minor}`);
        if (major !== '0') tags.push(`${major}`);
        tags.push('latest');
      }
    } else {
      version = sanitizeTag(name);
      tags.push(version);
    }
  } else if (ctx.ref.startsWith('refs/heads/')) {
    version = sanitizeTag(ctx.ref.slice('refs/heads/'.length));
    tags.push(version);
  }
  if (short) tags.push(`sha-${short}`);
  if (!version) version = short ? `sha-${short}` : 'dev';
  const labels: Record<string, string> = { [Annotation.created]: created };
  if (ctx.repository) {
    labels['org.opencontainers.image.title'] = ctx.repository.split('/').pop() ?? ctx.repository;
    labels[Annotation.source] = `${ctx.serverUrl}/${ctx.repository}`;
    labels['org.opencontainers.image.url'] = `${ctx.serverUrl}/${ctx.repository}`;
  }
  if (ctx.sha) labels[Annotation.revision] = ctx.sha;
  labels[Annotation.version] = version;
  return { version, tags: [...new Set(tags)], labels };
}
