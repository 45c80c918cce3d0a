import * as core from '../../runtime/core.js';
import { readBoolean } from '../../runtime/inputs.js';
import { STAGE_INPUTS } from './stages.generated.js';

export { STAGE_INPUTS };

/**
 * The root's own switches. Its other inputs are its stages' (every one of them, generated from
 * their action.yml files into stages.generated.ts) and are checked by each stage.
 */
export const INPUT = {
  cache: 'cache',
  scan: 'scan',
} as const;

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
