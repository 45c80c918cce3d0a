import type { Digest } from '../../oci/digest.js';
import type { Reference } from '../../oci/reference.js';
import type { Credentials } from '../../oci/registry/auth.js';
import {
  parseAnnotations,
  readCredentials,
  readRetryBudget,
  readImageNames,
  readTagLines,
  referenceInput,
} from '../../publish/inputs.js';
import { parseFlavor, type Flavor, type TagRule } from '../../github/tagrules.js';
import { ValidationError } from '../../runtime/errors.js';
import { readList, readListOf } from '../../runtime/inputs.js';

/** Input and output names, as in actions/merge/action.yml. */
export const INPUT = {
  sources: 'sources',
  images: 'images',
  tags: 'tags',
  flavor: 'flavor',
  annotations: 'annotations',
  username: 'username',
  password: 'password',
  insecureRegistries: 'insecure-registries',
  retryBudget: 'registry-retry-budget',
} as const;

export const OUTPUT = { digest: 'digest', image: 'image' } as const;

export interface MergeInputs {
  sources: (Reference & { digest: Digest })[];
  /** Image names for bare tags and rules. */
  images: Reference[];
  /** Bare tags and full references, and metadata-action rules, as build-push takes them. */
  tags: string[];
  tagRules: TagRule[];
  flavor: Flavor;
  annotations: Record<string, string>;
  credentials?: Credentials;
  insecureRegistries: string[];
  /** registry-retry-budget, in ms. */
  retryBudgetMs: number;
}

export const SOURCE_ACCEPTED =
  'image references pinned by digest, one per line (registry/repository@sha256:<64 hex>)';
export const TAG_ACCEPTED =
  'full image references with a tag (ghcr.io/owner/app:1.2.3), or bare tags and metadata-action rules (type=semver,pattern={{version}}) with images, one per line';

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
  const images = readImageNames(INPUT.images);
  const { tagRules, tags } = readTagLines(INPUT.tags, TAG_ACCEPTED);
  if (!images.length && !tags.length)
    throw new ValidationError(INPUT.tags, '', TAG_ACCEPTED, 'no tags given');
  const bare = tags.find((t) => !t.includes('/'));
  if (!images.length && (tagRules.length || bare !== undefined))
    throw new ValidationError(
      INPUT.tags,
      bare ?? tagRules.map((r) => r.type).join(','),
      TAG_ACCEPTED,
      `bare tags and rules need ${INPUT.images} to name the image`,
    );
  const credentials = readCredentials(INPUT.username, INPUT.password);
  return {
    sources,
    images,
    tags,
    tagRules,
    flavor: parseFlavor(INPUT.flavor, readList(INPUT.flavor, { newlineOnly: true })),
    annotations: parseAnnotations(
      INPUT.annotations,
      readList(INPUT.annotations, { newlineOnly: true }),
    ),
    ...(credentials ? { credentials } : {}),
    insecureRegistries: readList(INPUT.insecureRegistries),
    retryBudgetMs: readRetryBudget(INPUT.retryBudget),
  };
}
