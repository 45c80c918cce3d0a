import { STAGE_BASES_ANNOTATION } from '../annotations.js';
import type { Digest } from '../../oci/digest.js';
import { Annotation } from '../../oci/mediatypes.js';
import { formatPlatform, type Platform } from '../../oci/platform.js';
import { formatReference, parseReference } from '../../oci/reference.js';
import type { RegistryClient } from '../../oci/registry/client.js';
import { resolveBase } from '../base.js';
import { finalStage, rootImage, type Stage } from './dockerfile.js';

/** One Dockerfile stage's base image, resolved once before the build and pinned for it. */
export interface StageBase {
  /** The stage's `AS` name, else its position. */
  stage: string;
  /** The base as the Dockerfile names it, normalised (registry/repository:tag). */
  name: string;
  /** What the name resolved to (an index, or a single image). */
  digest: Digest;
  /** The image BuildKit builds on, per platform (linux/arm64 → its manifest digest). */
  platforms: Record<string, Digest>;
}

/**
 * Resolves every stage's registry base for every platform with gantry's own client, so the
 * digests are known (and recorded) before BuildKit runs, and BuildKit is pinned to them. A base
 * that does not exist, or lacks a platform, is an error naming `input` before anything is built.
 */
export async function resolveStageBases(
  input: string,
  stages: readonly Stage[],
  platforms: readonly Platform[],
  clientFor: (registry: string) => RegistryClient,
): Promise<StageBase[]> {
  const byName = new Map<string, Promise<Omit<StageBase, 'stage'>>>();
  const resolve = (base: string) => {
    const name = formatReference(parseReference(base, { defaultTag: 'latest' }));
    if (!byName.has(name))
      byName.set(
        name,
        resolveBase(input, base, platforms, clientFor).then((b) => ({
          name,
          digest: b.digest!,
          platforms: Object.fromEntries(
            [...b.perPlatform].map(([p, pb]) => [p, pb.manifestDigest ?? b.digest!]),
          ),
        })),
      );
    return byName.get(name)!;
  };
  return Promise.all(
    stages
      .filter((s) => s.kind === 'image')
      .map(async (s) => ({ stage: s.name ?? String(s.index), ...(await resolve(s.base)) })),
  );
}

/**
 * A BuildKit source policy that converts each base name to name@digest: BuildKit builds on
 * exactly what gantry resolved and records, however the tag moves meanwhile.
 */
export function sourcePolicy(bases: readonly StageBase[]): object {
  const unique = new Map(bases.map((b) => [b.name, b.digest]));
  return {
    rules: [...unique].map(([name, digest]) => ({
      action: 'CONVERT',
      selector: { identifier: `docker-image://${name}` },
      updates: { identifier: `docker-image://${name}@${digest}` },
    })),
  };
}

/** The final stage's base (following stage references), or undefined on scratch. */
export function finalBase(
  stages: readonly Stage[],
  bases: readonly StageBase[],
  target?: string,
): StageBase | undefined {
  const image = rootImage(stages, finalStage(stages, target));
  if (!image) return undefined;
  const name = formatReference(parseReference(image, { defaultTag: 'latest' }));
  return bases.find((b) => b.name === name);
}

/**
 * Annotations naming the bases: for one platform's image (`platform` given: that platform's
 * digests) or for the index (the digests the names resolved to).
 */
export function baseAnnotations(
  bases: readonly StageBase[],
  final: StageBase | undefined,
  platform?: Platform,
): Record<string, string> {
  const key = platform ? formatPlatform(platform) : undefined;
  const digestOf = (b: StageBase) => (key ? (b.platforms[key] ?? b.digest) : b.digest);
  const out: Record<string, string> = {};
  if (final) {
    out[Annotation.baseName] = final.name;
    out[Annotation.baseDigest] = digestOf(final);
  }
  if (bases.length)
    out[STAGE_BASES_ANNOTATION] = JSON.stringify(
      bases.map((b) => ({ stage: b.stage, name: b.name, digest: digestOf(b) })),
    );
  return out;
}
