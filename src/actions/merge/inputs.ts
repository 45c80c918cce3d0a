import type { Digest } from '../../oci/digest.js';
import { InvalidReferenceError } from '../../oci/errors.js';
import { parseReference, type Reference } from '../../oci/reference.js';
import { ValidationError } from '../../runtime/errors.js';
import { readList, readSecret, readString } from '../../runtime/inputs.js';

/** Input and output names, as in actions/merge/action.yml. */
export const INPUT = {
  sources: 'sources',
  tags: 'tags',
  annotations: 'annotations',
  username: 'username',
  password: 'password',
  insecureRegistries: 'insecure-registries',
} as const;

export const OUTPUT = { digest: 'digest', image: 'image' } as const;

export interface MergeInputs {
  sources: (Reference & { digest: Digest })[];
  tags: (Reference & { tag: string })[];
  annotations: Record<string, string>;
  username: string;
  password: string;
  insecureRegistries: string[];
}

/** A reference from an input, its grammar errors reported against that input. */
export function referenceInput(input: string, value: string, accepted: string): Reference {
  try {
    return parseReference(value);
  } catch (err) {
    if (err instanceof InvalidReferenceError)
      throw new ValidationError(input, value, accepted, err.reason);
    throw err;
  }
}

const SOURCE_ACCEPTED =
  'image references pinned by digest, one per line (registry/repository@sha256:<64 hex>)';
const TAG_ACCEPTED = 'full image references with a tag, e.g. ghcr.io/owner/app:1.2.3';

/** `key=value` lines; the `index:` prefix of docker buildx is accepted, other levels are not. */
export function parseAnnotations(input: string, lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    let key = eq > 0 ? line.slice(0, eq).trim() : '';
    const level = /^(index|manifest|manifest-descriptor|index-descriptor)(\[[^\]]*\])?:(.+)$/.exec(
      key,
    );
    if (level) {
      if (level[1] !== 'index' || level[2]) {
        throw new ValidationError(
          input,
          line,
          'key=value or index:key=value',
          'merge annotates only the index',
        );
      }
      key = level[3] ?? '';
    }
    if (!key) throw new ValidationError(input, line, 'key=value or index:key=value, one per line');
    out[key] = line.slice(eq + 1).trim();
  }
  return out;
}

export function readInputs(): MergeInputs {
  const sourceValues = readList(INPUT.sources);
  if (sourceValues.length === 0)
    throw new ValidationError(INPUT.sources, '', SOURCE_ACCEPTED, 'no sources given');
  const sources = sourceValues.map((v) => {
    const ref = referenceInput(INPUT.sources, v, SOURCE_ACCEPTED);
    if (!ref.digest)
      throw new ValidationError(
        INPUT.sources,
        v,
        SOURCE_ACCEPTED,
        'a source must be pinned by digest',
      );
    return ref as Reference & { digest: Digest };
  });
  const tagValues = readList(INPUT.tags);
  if (tagValues.length === 0)
    throw new ValidationError(INPUT.tags, '', TAG_ACCEPTED, 'no tags given');
  const tags = tagValues.map((v) => {
    const ref = referenceInput(INPUT.tags, v, TAG_ACCEPTED);
    if (!ref.tag || ref.digest)
      throw new ValidationError(
        INPUT.tags,
        v,
        TAG_ACCEPTED,
        ref.digest ? 'a tag may not carry a digest' : 'no tag',
      );
    return ref as Reference & { tag: string };
  });
  const username = readString(INPUT.username);
  const password = readSecret(INPUT.password);
  if (Boolean(username) !== Boolean(password)) {
    throw new ValidationError(
      username ? INPUT.password : INPUT.username,
      '',
      'both username and password, or neither',
      'one of the pair is missing',
    );
  }
  return {
    sources,
    tags,
    annotations: parseAnnotations(
      INPUT.annotations,
      readList(INPUT.annotations, { newlineOnly: true }),
    ),
    username,
    password,
    insecureRegistries: readList(INPUT.insecureRegistries),
  };
}
