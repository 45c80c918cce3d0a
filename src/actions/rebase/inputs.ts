import type { SbomFormat } from '../../attest/sbom.js';
import type { Reference } from '../../oci/reference.js';
import type { Credentials } from '../../oci/registry/auth.js';
import {
  readCredentials,
  readRetryBudget,
  readSbomFormat,
  referenceInput,
  tagReference,
} from '../../publish/inputs.js';
import { readEnum, readList, readListOf, readString } from '../../runtime/inputs.js';

/** Input and output names, as in actions/rebase/action.yml. */
export const INPUT = {
  image: 'image',
  base: 'base',
  tags: 'tags',
  username: 'username',
  password: 'password',
  insecureRegistries: 'insecure-registries',
  retryBudget: 'registry-retry-budget',
  sbom: 'sbom',
  provenance: 'provenance',
} as const;

export const OUTPUT = {
  rebased: 'rebased',
  digest: 'digest',
  image: 'image',
  attestations: 'attestations',
} as const;

export interface RebaseInputs {
  image: Reference;
  /** The base to rebase onto; '' = the one each platform records, resolved again. */
  base: string;
  /** Where the rebased index goes: full references with a tag. */
  tags: (Reference & { tag: string })[];
  credentials?: Credentials;
  insecureRegistries: string[];
  /** registry-retry-budget, in ms. */
  retryBudgetMs: number;
  /** undefined = as the old image: its SBOM's format where it had one of gantry's. */
  sbom: SbomFormat | false | undefined;
  /** undefined = as the old image: when anything attested it. */
  provenance: boolean | undefined;
}

const IMAGE_ACCEPTED =
  'a reference to an image gantry built on a registry base, e.g. ghcr.io/owner/app:main';
const TAGS_ACCEPTED =
  'tags (nightly) or full references with a tag (ghcr.io/owner/app:nightly), one per line or comma-separated';

export function readInputs(): RebaseInputs {
  const image = referenceInput(
    INPUT.image,
    readString(INPUT.image, { required: true }),
    IMAGE_ACCEPTED,
  );
  const base = readString(INPUT.base);
  if (base) referenceInput(INPUT.base, base, 'an image reference of the new base');
  const tagValues = readListOf(INPUT.tags, TAGS_ACCEPTED);
  // by default the tag the image was read under moves; an image read by digest moves no tag
  const tags = (tagValues.length ? tagValues : image.tag && !image.digest ? [image.tag] : []).map(
    (v) => tagReference(INPUT.tags, v, TAGS_ACCEPTED, image),
  );
  const credentials = readCredentials(INPUT.username, INPUT.password);
  return {
    image,
    base,
    tags,
    ...(credentials ? { credentials } : {}),
    insecureRegistries: readList(INPUT.insecureRegistries),
    retryBudgetMs: readRetryBudget(INPUT.retryBudget),
    sbom: readSbomFormat(INPUT.sbom),
    provenance: readString(INPUT.provenance)
      ? readEnum(INPUT.provenance, ['true', 'false'] as const, 'true') === 'true'
      : undefined,
  };
}
