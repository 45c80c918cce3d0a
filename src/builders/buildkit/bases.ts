import { STAGE_BASES_ANNOTATION } from '../../image/annotations.js';
import type { Digest } from '../../oci/digest.js';
import { Annotation } from '../../oci/mediatypes.js';
import { formatPlatform, parsePlatform, type Platform } from '../../oci/platform.js';
import { ValidationError } from '../../runtime/errors.js';
import { formatReference, parseReference } from '../../oci/reference.js';
import type { RegistryClient } from '../../oci/registry/client.js';
import { resolveBase } from '../../image/base.js';
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
  /**
   * The one platform the stage uses its base on whatever the target (`--platform`: BuildKit's
   * own, or one named); unset: each target platform.
   */
  platform?: string;
}

/**
 * Resolves every stage's registry base for the platforms it is used on — each target platform,
 * or the one its `--platform` asks for (`$BUILDPLATFORM`: `buildPlatform`, BuildKit's own) —
 * with gantry's own client, so the digests are known (and recorded) before BuildKit runs, and
 * BuildKit is pinned to them. A base that does not exist, or lacks a platform, is an error naming
 * `input` before anything is built.
 */
export async function resolveStageBases(
  input: string,
  stages: readonly Stage[],
  platforms: readonly Platform[],
  clientFor: (registry: string) => RegistryClient,
  buildPlatform: Platform,
): Promise<StageBase[]> {
  const byName = new Map<string, Promise<Omit<StageBase, 'stage'>>>();
  const resolve = (base: string, on: readonly Platform[], platform?: string) => {
    const name = formatReference(parseReference(base, { defaultTag: 'latest' }));
    const key = `${name} ${on.map(formatPlatform).join(',')}`;
    if (!byName.has(key))
      byName.set(
        key,
        resolveBase(input, base, on, clientFor).then((b) => ({
          name,
          digest: b.digest!,
          platforms: Object.fromEntries(
            [...b.perPlatform].map(([p, pb]) => [p, pb.manifestDigest ?? b.digest!]),
          ),
          ...(platform ? { platform } : {}),
        })),
      );
    return byName.get(key)!;
  };
  const usedOn = (s: Stage): Platform | undefined => {
    if (!s.platform) return undefined;
    if (s.platform.kind === 'build') return buildPlatform;
    try {
      return parsePlatform(s.platform.platform);
    } catch (err) {
      throw new ValidationError(
        input,
        `FROM --platform=${s.platform.platform}`,
        'a platform such as linux/amd64, or $BUILDPLATFORM / $TARGETPLATFORM',
        `stage ${s.name ?? s.index}: ${(err as Error).message}`,
      );
    }
  };
  return Promise.all(
    stages
      .filter((s) => s.kind === 'image')
      .map(async (s) => {
        const on = usedOn(s);
        return {
          stage: s.name ?? String(s.index),
          ...(await (on ? resolve(s.base, [on], formatPlatform(on)) : resolve(s.base, platforms))),
        };
      }),
  );
}

/**
 * The bases of a Dockerfile whose stages differ by target platform (`FROM base-${TARGETARCH}`):
 * each platform's stages resolved for that platform, one entry per stage and base with the
 * digests of every platform it is used on. Stages that read alike on every platform are resolved
 * once for all of them.
 */
export async function resolvePlatformBases(
  input: string,
  stagesOf: readonly { platform: Platform; stages: readonly Stage[] }[],
  clientFor: (registry: string) => RegistryClient,
  buildPlatform: Platform,
): Promise<StageBase[]> {
  const first = JSON.stringify(stagesOf[0]?.stages ?? []);
  if (stagesOf.every((s) => JSON.stringify(s.stages) === first))
    return resolveStageBases(
      input,
      stagesOf[0]?.stages ?? [],
      stagesOf.map((s) => s.platform),
      clientFor,
      buildPlatform,
    );
  const lists = await Promise.all(
    stagesOf.map((s) => resolveStageBases(input, s.stages, [s.platform], clientFor, buildPlatform)),
  );
  const merged = new Map<string, StageBase>();
  for (const b of lists.flat()) {
    const key = `${b.stage} ${b.name}`;
    const seen = merged.get(key);
    if (seen) Object.assign(seen.platforms, b.platforms);
    else merged.set(key, { ...b, platforms: { ...b.platforms } });
  }
  return [...merged.values()];
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
  // a stage used on one platform whatever the target records that platform's image
  const digestOf = (b: StageBase) =>
    key ? (b.platforms[b.platform ?? key] ?? b.digest) : b.digest;
  const out: Record<string, string> = {};
  if (final) {
    out[Annotation.baseName] = final.name;
    out[Annotation.baseDigest] = digestOf(final);
  }
  if (bases.length)
    out[STAGE_BASES_ANNOTATION] = JSON.stringify(
      bases.map((b) => ({
        stage: b.stage,
        name: b.name,
        digest: digestOf(b),
        ...(key && b.platform ? { platform: b.platform } : {}),
      })),
    );
  return out;
}
