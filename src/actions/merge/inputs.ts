import type { Digest } from '../../oci/digest.js';
import type { Reference } from '../../oci/reference.js';
import type { Credentials } from '../../oci/registry/auth.js';
import {
  parseAnnotations,
  readCredentials,
  readRetryBudget,
  referenceInput,
  tagReference,
} from '../../publish/inputs.js';
import { ValidationError } from '../../runtime/errors.js';
import { readList, readListOf } from '../../runtime/inputs.js';

/** Input and output names, as in actions/merge/action.yml. */
export const INPUT = {
  sources: 'sources',
  tags: 'tags',
  annotations: 'annotations',
  username: 'username',
  password: 'password',
  insecureRegistries: 'insecure-registries',
  retryBudget: 'registry-retry-budget',
} as const;

export const OUTPUT = { digest: 'digest', image: 'image' } as const;

export interface MergeInputs {
  sources: (Reference & { digest: Digest })[];
  tags: (Reference & { tag: string })[];
  annotations: Record<string, string>;
  credentials?: Credentials;
  insecureRegistries: string[];
  /** registry-retry-budget, in ms. */
  retryBudgetMs: number;
}

export const SOURCE_ACCEPTED =
  'image references pinned by digest, one per line (registry/repository@sha256:<64 hex>)';
const TAG_ACCEPTED = 'full image references with a tag, e.g. ghcr.io/owner/app:1.2.3';

export function readInputs(): MergeInputs {
  const sourceValues = readListOf(INPUT.sources, SOURCE_ACCEPTED);
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
  const tags = tagValues.map((v) => tagReference(INPUT.tags, v, TAG_ACCEPTED));
  const credentials = readCredentials(INPUT.username, INPUT.password);
  return {
    sources,
    tags,
    annotations: parseAnnotations(
      INPUT.annotations,
      readList(INPUT.annotations, { newlineOnly: true }),
    ),
    ...(credentials ? { credentials } : {}),
    insecureRegistries: readList(INPUT.insecureRegistries),
    retryBudgetMs: readRetryBudget(INPUT.retryBudget),
  };
}
