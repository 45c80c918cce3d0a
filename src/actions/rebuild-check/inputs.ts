import type { Reference } from '../../oci/reference.js';
import type { Credentials } from '../../oci/registry/auth.js';
import { readCredentials, referenceInput } from '../../publish/inputs.js';
import { parseMirror } from '../../runtime/download.js';
import { ValidationError } from '../../runtime/errors.js';
import { readList, readString } from '../../runtime/inputs.js';

/** Input and output names, as in actions/rebuild-check/action.yml. */
export const INPUT = {
  image: 'image',
  base: 'base',
  goVersions: 'go-versions',
  username: 'username',
  password: 'password',
  insecureRegistries: 'insecure-registries',
} as const;

export const OUTPUT = { needed: 'needed', reasons: 'reasons', rebase: 'rebase' } as const;

export interface RebuildCheckInputs {
  image: Reference;
  base: string;
  /** '' = no Go check. */
  goVersions: string;
  credentials?: Credentials;
  insecureRegistries: string[];
}

const IMAGE_ACCEPTED = 'an image reference such as ghcr.io/owner/app:main or …@sha256:<digest>';

export function readInputs(): RebuildCheckInputs {
  const image = referenceInput(
    INPUT.image,
    readString(INPUT.image, { required: true }),
    IMAGE_ACCEPTED,
  );
  const base = readString(INPUT.base);
  if (base) referenceInput(INPUT.base, base, 'an image reference of the base');
  const urlValue = readString(INPUT.goVersions, { fallback: 'https://go.dev/dl/?mode=json' });
  const goVersions = urlValue === 'none' ? '' : parseMirror(INPUT.goVersions, urlValue);
  if (goVersions && /\s/.test(goVersions))
    throw new ValidationError(INPUT.goVersions, urlValue, 'a URL, or none');
  const credentials = readCredentials(INPUT.username, INPUT.password);
  return {
    image,
    base,
    goVersions,
    ...(credentials ? { credentials } : {}),
    insecureRegistries: readList(INPUT.insecureRegistries),
  };
}
