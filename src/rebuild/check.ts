import { GO_VERSION_ANNOTATION, STAGE_BASES_ANNOTATION } from '../image/annotations.js';
import { Annotation } from '../oci/mediatypes.js';

/** What one platform's image says it was built from (its manifest's annotations). */
export interface Recorded {
  platform: string;
  /** The final stage's base: name and the digest of that platform's image. */
  base?: { name: string; digest: string };
  /**
   * Every Dockerfile stage's base (BuildKit builds), digests for that platform — or for the one
   * platform a stage used its base on whatever the target (`FROM --platform`), which it names.
   */
  stages: { stage: string; name: string; digest: string; platform?: string }[];
  /** The Go that built the binary (go builder), e.g. go1.23.4. */
  go?: string;
}

/** Why an image is stale: on which platform, what changed, from what to what. */
export interface Reason {
  platform: string;
  /** `base`, `stage <name>`, `go`, or `image` (none there). */
  what: string;
  from: string;
  to: string;
}

export function readRecorded(
  platform: string,
  annotations: Record<string, string> = {},
  baseOverride?: string,
): Recorded {
  const name = baseOverride ?? annotations[Annotation.baseName];
  const digest = annotations[Annotation.baseDigest];
  let stages: Recorded['stages'];
  try {
    stages = JSON.parse(annotations[STAGE_BASES_ANNOTATION] ?? '[]') as Recorded['stages'];
  } catch {
    stages = [];
  }
  return {
    platform,
    ...(name && digest ? { base: { name, digest } } : {}),
    stages,
    ...(annotations[GO_VERSION_ANNOTATION] ? { go: annotations[GO_VERSION_ANNOTATION] } : {}),
  };
}

/** go1.23.4 → [1, 23, 4]; go1.23 → [1, 23, 0]; anything else undefined. */
function goParts(v: string): [number, number, number] | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** The newest stable patch release of `version`'s minor in Go's release list, if newer. */
export function newerGoPatch(
  version: string,
  releases: readonly { version: string; stable?: boolean }[],
): string | undefined {
  const own = goParts(version);
  if (!own) return undefined;
  let best: [number, number, number] | undefined;
  let bestName: string | undefined;
  for (const r of releases) {
    const p = goParts(r.version);
    if (!p || r.stable === false || p[0] !== own[0] || p[1] !== own[1] || p[2] <= own[2]) continue;
    if (!best || p[2] > best[2]) {
      best = p;
      bestName = r.version;
    }
  }
  return bestName;
}

/**
 * Needed when anything changed; a rebase suffices when only the final stage's base did (the
 * application layers stay as they are on the new base's layers), for images that start with
 * their base's layers — not when a builder stage or Go moved, which changes the binary.
 */
export function decide(
  reasons: readonly Reason[],
  rebaseable: boolean,
): {
  needed: boolean;
  rebase: boolean;
} {
  const needed = reasons.length > 0;
  return { needed, rebase: needed && rebaseable && reasons.every((r) => r.what === 'base') };
}
