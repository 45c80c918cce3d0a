import type { Platform } from '../../oci/platform.js';
import { formatPlatform } from '../../oci/platform.js';
import { readPlatforms } from '../../publish/inputs.js';
import { COMMIT } from '../../affected/changes.js';
import { parseServiceSpecs, type ServiceSpec } from '../../affected/services.js';
import { ValidationError } from '../../runtime/errors.js';
import { readList, readPath, readString } from '../../runtime/inputs.js';

/** Input and output names, as in actions/affected/action.yml. */
export const INPUT = {
  workingDirectory: 'working-directory',
  base: 'base',
  services: 'services',
  platforms: 'platforms',
  buildTags: 'build-tags',
  images: 'images',
  runners: 'runners',
} as const;

export const OUTPUT = {
  services: 'services',
  matrix: 'matrix',
  any: 'any',
  all: 'all',
  reasons: 'reasons',
  base: 'base',
} as const;

export interface AffectedInputs {
  dir: string;
  base: string;
  services: ServiceSpec[];
  platforms: Platform[];
  buildTags: string[];
  images: string;
  /** platform → runner label; empty: one matrix entry per service. */
  runners: Map<string, string>;
}

const RUNNERS_ACCEPTED =
  'platform=runner label, one per line, for every platform (linux/arm64=ubuntu-24.04-arm)';

function readRunners(platforms: readonly Platform[]): Map<string, string> {
  const runners = new Map<string, string>();
  for (const line of readList(INPUT.runners, { newlineOnly: true })) {
    const eq = line.indexOf('=');
    if (eq < 1 || !line.slice(eq + 1).trim())
      throw new ValidationError(INPUT.runners, line, RUNNERS_ACCEPTED);
    runners.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (runners.size)
    for (const p of platforms.map(formatPlatform))
      if (!runners.has(p))
        throw new ValidationError(
          INPUT.runners,
          [...runners.keys()].join(', '),
          RUNNERS_ACCEPTED,
          `no runner for ${p}`,
        );
  return runners;
}

export function readInputs(): AffectedInputs {
  const dir = readPath(INPUT.workingDirectory, {
    fallback: '.',
    kind: 'dir',
    accepted: 'a directory in the workspace',
  });
  const base = readString(INPUT.base);
  if (base && !COMMIT.test(base))
    throw new ValidationError(INPUT.base, base, 'a full commit SHA (40 or 64 hex digits)');
  const platforms = readPlatforms(INPUT.platforms);
  const buildTags = readList(INPUT.buildTags);
  for (const t of buildTags)
    if (!/^[A-Za-z0-9_.!-]+$/.test(t))
      throw new ValidationError(
        INPUT.buildTags,
        t,
        'Go build tags: letters, digits, _ . -, comma- or newline-separated',
      );
  const images = readString(INPUT.images);
  return {
    dir,
    base,
    services: parseServiceSpecs(INPUT.services, readList(INPUT.services, { newlineOnly: true })),
    platforms,
    buildTags,
    images,
    runners: readRunners(platforms),
  };
}
