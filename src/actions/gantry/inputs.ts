import * as core from '../../runtime/core.js';
import { readBoolean } from '../../runtime/inputs.js';
import { INPUT as BUILD } from '../build-push/inputs.js';
import { INPUT as CACHE } from '../go-cache/inputs.js';
import { INPUT as SCAN } from '../scan/inputs.js';
import { INPUT as SUMMARY } from '../summary/inputs.js';

/** The root action's inputs, as its action.yml names them. */
export const INPUT = {
  context: 'context',
  platforms: 'platforms',
  images: 'images',
  tags: 'tags',
  flavor: 'flavor',
  username: 'username',
  password: 'password',
  builder: 'builder',
  push: 'push',
  ociLayout: 'oci-layout',
  annotations: 'annotations',
  insecureRegistries: 'insecure-registries',
  retryBudget: 'registry-retry-budget',
  sbom: 'sbom',
  provenance: 'provenance',
  compression: 'compression',
  compressionLevel: 'compression-level',
  cache: 'cache',
  cacheBackend: 'cache-backend',
  cacheDir: 'cache-dir',
  cacheSave: 'cache-save',
  scan: 'scan',
  dockerfile: 'dockerfile',
  severity: 'severity',
  failOn: 'fail-on',
  hadolintVersion: 'hadolint-version',
  trivyVersion: 'trivy-version',
  comment: 'comment',
  token: 'token',
} as const;

type RootInput = (typeof INPUT)[keyof typeof INPUT];

/** Each stage's inputs: the stage's name for each → the root input it is given. */
export const STAGE_INPUTS = {
  cache: {
    [CACHE.workingDirectory]: INPUT.context,
    [CACHE.backend]: INPUT.cacheBackend,
    [CACHE.localDir]: INPUT.cacheDir,
    [CACHE.save]: INPUT.cacheSave,
  },
  build: {
    [BUILD.context]: INPUT.context,
    [BUILD.platforms]: INPUT.platforms,
    [BUILD.images]: INPUT.images,
    [BUILD.tags]: INPUT.tags,
    [BUILD.flavor]: INPUT.flavor,
    [BUILD.username]: INPUT.username,
    [BUILD.password]: INPUT.password,
    [BUILD.builder]: INPUT.builder,
    [BUILD.push]: INPUT.push,
    [BUILD.ociLayout]: INPUT.ociLayout,
    [BUILD.annotations]: INPUT.annotations,
    [BUILD.insecureRegistries]: INPUT.insecureRegistries,
    [BUILD.retryBudget]: INPUT.retryBudget,
    [BUILD.sbom]: INPUT.sbom,
    [BUILD.provenance]: INPUT.provenance,
    [BUILD.compression]: INPUT.compression,
    [BUILD.compressionLevel]: INPUT.compressionLevel,
  },
  scan: {
    [SCAN.dockerfile]: INPUT.dockerfile,
    [SCAN.username]: INPUT.username,
    [SCAN.password]: INPUT.password,
    [SCAN.severity]: INPUT.severity,
    [SCAN.failOn]: INPUT.failOn,
    [SCAN.hadolintVersion]: INPUT.hadolintVersion,
    [SCAN.trivyVersion]: INPUT.trivyVersion,
    [SCAN.token]: INPUT.token,
  },
  summary: {
    [SUMMARY.comment]: INPUT.comment,
    [SUMMARY.token]: INPUT.token,
  },
} as const satisfies Record<string, Record<string, RootInput>>;

export type Stage = keyof typeof STAGE_INPUTS;

/** A stage's inputs from the root's, as given (each stage trims and checks its own). */
export function stageInputs(stage: Stage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(STAGE_INPUTS[stage]).map(([own, root]) => [
      own,
      core.getInput(root, { trimWhitespace: false }),
    ]),
  );
}

/** The root input a stage's input comes from, to name it in an error the user can act on. */
export function rootInputOf(stage: Stage, own: string): string | undefined {
  return (STAGE_INPUTS[stage] as Record<string, string>)[own];
}

export interface GantryInputs {
  cache: boolean;
  scan: boolean;
}

/** The root's own switches; every other input is its stages' and is checked there. */
export function readInputs(): GantryInputs {
  return { cache: readBoolean(INPUT.cache, true), scan: readBoolean(INPUT.scan, true) };
}
