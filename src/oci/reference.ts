import { parseDigest, type Digest } from './digest.js';
import { InvalidDigestError, InvalidReferenceError } from './errors.js';

/** A fully qualified image reference: registry, repository, and a tag, a digest or both. */
export interface Reference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: Digest;
}

export const DOCKER_HUB = 'docker.io';
/** Where docker.io's API is served. */
export const DOCKER_HUB_API = 'registry-1.docker.io';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME = 255;

function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain =
    slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  let domain = isDomain ? first : DOCKER_HUB;
  let remainder = isDomain ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/**
 * Parses with Docker's reference grammar: `[host[:port]/]path[:tag][@algorithm:hex]`,
 * normalised (`ubuntu` → `docker.io/library/ubuntu`). A reference with neither tag nor digest
 * gets tag `latest` only when `defaultTag` is set.
 */
export function parseReference(value: string, opts: { defaultTag?: string } = {}): Reference {
  const input = value.trim();
  if (input === '') throw new InvalidReferenceError(value, 'empty');
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    try {
      digest = parseDigest(rest.slice(at + 1));
    } catch (err) {
      throw new InvalidReferenceError(value, (err as InvalidDigestError).reason);
    }
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw new InvalidReferenceError(
        value,
        `tag ${JSON.stringify(tag)} must be 1-128 of [A-Za-z0-9_.-], not starting with . or -`,
      );
    }
  }
  if (rest === '') throw new InvalidReferenceError(value, 'missing repository name');
  if (rest.length > MAX_NAME)
    throw new InvalidReferenceError(value, `name longer than ${MAX_NAME} characters`);
  const [registry, repository] = splitDomain(rest);
  if (!DOMAIN.test(registry))
    throw new InvalidReferenceError(value, `invalid registry host ${JSON.stringify(registry)}`);
  for (const component of repository.split('/')) {
    if (component === '')
      throw new InvalidReferenceError(value, 'empty path component in repository');
    if (component !== component.toLowerCase())
      throw new InvalidReferenceError(value, 'repository name must be lowercase');
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        value,
        `invalid repository component ${JSON.stringify(component)}: lowercase letters, digits and separators (. _ __ -) between them`,
      );
    }
  }
  const ref: Reference = { registry, repository };
  if (tag) ref.tag = tag;
  else if (!digest && opts.defaultTag) ref.tag = opts.defaultTag;
  if (digest) ref.digest = digest;
  return ref;
}

/** `registry/repository`, the image name without tag or digest. */
export function referenceName(ref: Pick<Reference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

export function formatReference(ref: Reference): string {
  return `${referenceName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The host[:port] whose /v2/ API serves this registry. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** Validates a bare tag. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
