import * as core from '../runtime/core.js';
import { RegistryPool } from '../oci/registry/pool.js';
import { SBOM_FORMATS, type SbomFormat } from '../attest/sbom.js';
import type { Credentials } from '../oci/registry/auth.js';
import { InvalidPlatformError, InvalidReferenceError } from '../oci/errors.js';
import { formatPlatform, parsePlatform, type Platform } from '../oci/platform.js';
import { isValidTag, parseReference, referenceName, type Reference } from '../oci/reference.js';
import { isRule, parseTagRule, type TagRule } from '../github/tagrules.js';
import { ValidationError } from '../runtime/errors.js';
import {
  readEnum,
  readInteger,
  readList,
  readListOf,
  readSecret,
  readString,
} from '../runtime/inputs.js';

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

/**
 * A reference to tag: `registry/repository:tag` (no digest), or — where `repository` is given —
 * a bare tag in it. Errors name the input.
 */
export function tagReference(
  input: string,
  value: string,
  accepted: string,
  repository?: Pick<Reference, 'registry' | 'repository'>,
): Reference & { tag: string } {
  if (repository && isValidTag(value))
    return { registry: repository.registry, repository: repository.repository, tag: value };
  const ref = referenceInput(input, value, accepted);
  if (!ref.tag || ref.digest)
    throw new ValidationError(
      input,
      value,
      accepted,
      ref.digest ? 'a tag may not carry a digest' : 'no tag',
    );
  return ref as Reference & { tag: string };
}

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

/** A username/password pair from inputs (the password masked at once); both or neither. */
export function readCredentials(
  usernameInput: string,
  passwordInput: string,
): Credentials | undefined {
  const username = readString(usernameInput);
  const password = readSecret(passwordInput);
  if (Boolean(username) !== Boolean(password)) {
    throw new ValidationError(
      username ? passwordInput : usernameInput,
      '',
      'both username and password, or neither',
      'one of the pair is missing',
    );
  }
  return username ? { username, password } : undefined;
}

/** An SBOM format input: spdx, cyclonedx or false; undefined when not given (the caller's default). */
export function readSbomFormat(input: string): SbomFormat | false | undefined {
  if (!readString(input)) return undefined;
  const value = readEnum(input, [...SBOM_FORMATS, 'false'] as const, 'spdx');
  return value === 'false' ? false : value;
}

/** How long a registry operation is retried for: seconds from an input (1–3600, default 120), in ms. */
export function readRetryBudget(input: string): number {
  return readInteger(input, 120, 1, 3600) * 1000;
}

/** What every action that reads or writes a registry takes alike. */
export interface RegistryInputs {
  credentials?: Credentials;
  insecureRegistries?: readonly string[];
  retryBudgetMs?: number;
}

/**
 * The registry clients of one run: the login goes to `loginRegistry` only (any other registry
 * gets ~/.docker/config.json's), and every retry is logged.
 */
export function registryPool(inputs: RegistryInputs, loginRegistry?: string): RegistryPool {
  return new RegistryPool({
    ...(inputs.credentials && loginRegistry
      ? { credentials: inputs.credentials, loginRegistry }
      : {}),
    ...(inputs.insecureRegistries ? { insecureRegistries: inputs.insecureRegistries } : {}),
    ...(inputs.retryBudgetMs ? { retryBudgetMs: inputs.retryBudgetMs } : {}),
    onRetry: (m) => core.info(m),
  });
}

/** `images`: registry/repository names, without tag or digest (tags come from tags or git). */
export function readImageNames(input: string): Reference[] {
  return readList(input).map((v) => {
    const ref = referenceInput(input, v, 'image names such as ghcr.io/owner/app');
    if (ref.tag || ref.digest)
      throw new ValidationError(
        input,
        v,
        'image names without tag or digest (tags come from tags or git)',
      );
    return ref;
  });
}

/**
 * `tags` as build-push and merge take them: metadata-action rules (`type=…`; with rules a plain
 * bare tag is `type=raw`, ordered by priority), bare tags for every image, and full references
 * that stand alone (with a tag, no digest).
 */
export function readTagLines(
  input: string,
  accepted: string,
): { tagRules: TagRule[]; tags: string[] } {
  const lines = readList(input, { newlineOnly: true });
  const ruled = lines.some(isRule);
  const tagRules = ruled
    ? lines
        .filter((l) => !l.includes('/') || isRule(l))
        .map((l) => parseTagRule(input, isRule(l) ? l : `type=raw,value=${l}`))
    : [];
  const tags = ruled ? lines.filter((l) => !isRule(l) && l.includes('/')) : readList(input);
  for (const t of tags) {
    if (t.includes('/') || t.includes('@')) {
      const ref = referenceInput(input, t, accepted);
      if (!ref.tag || ref.digest)
        throw new ValidationError(input, t, accepted, 'a full reference needs a tag and no digest');
    } else if (!isValidTag(t)) {
      throw new ValidationError(input, t, accepted, 'invalid tag');
    }
  }
  return { tagRules, tags };
}

/** Where each image goes: repositories with their tags, from images × tags and full references. */
export function targetsOf(
  input: string,
  accepted: string,
  images: readonly Reference[],
  tags: readonly string[],
): Map<string, { ref: Reference; tags: string[] }> {
  const targets = new Map<string, { ref: Reference; tags: string[] }>();
  const add = (ref: Reference, tag: string) => {
    const key = referenceName(ref);
    const entry = targets.get(key) ?? {
      ref: { registry: ref.registry, repository: ref.repository },
      tags: [],
    };
    if (!entry.tags.includes(tag)) entry.tags.push(tag);
    targets.set(key, entry);
  };
  for (const t of tags) {
    if (t.includes('/')) {
      const ref = referenceInput(input, t, accepted);
      add(ref, ref.tag!);
    } else {
      for (const image of images) add(image, t);
    }
  }
  return targets;
}

const PLATFORMS_ACCEPTED = 'os/arch[/variant] such as linux/amd64, linux/arm64, linux/arm/v7';

/** The platforms to build, each once; default linux/amd64 and linux/arm64. */
export function readPlatforms(input: string): Platform[] {
  const values = readListOf(input, PLATFORMS_ACCEPTED);
  const platforms = (values.length ? values : ['linux/amd64', 'linux/arm64']).map((v) => {
    try {
      return parsePlatform(v);
    } catch (err) {
      if (err instanceof InvalidPlatformError)
        throw new ValidationError(input, v, PLATFORMS_ACCEPTED, err.reason);
      throw err;
    }
  });
  const seen = new Set<string>();
  for (const p of platforms) {
    if (seen.has(formatPlatform(p)))
      throw new ValidationError(input, formatPlatform(p), 'each platform once', 'listed twice');
    seen.add(formatPlatform(p));
  }
  return platforms;
}
