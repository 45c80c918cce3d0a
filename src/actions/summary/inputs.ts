import { readEnum, readSecret, readString } from '../../runtime/inputs.js';

/** Input and output names, as in actions/summary/action.yml. */
export const INPUT = {
  comment: 'comment',
  header: 'header',
  title: 'title',
  token: 'token',
  baseline: 'baseline',
  baselineDir: 'baseline-dir',
} as const;

export const OUTPUT = { markdown: 'markdown', commentId: 'comment-id' } as const;

export const COMMENT_MODES = ['auto', 'always', 'never'] as const;

/** cache: the Actions cache service; off: no comparison. `baseline-dir` overrides both. */
export const BASELINE_MODES = ['cache', 'off'] as const;

export interface SummaryInputs {
  comment: (typeof COMMENT_MODES)[number];
  header: string;
  title: string;
  token: string;
  baseline: (typeof BASELINE_MODES)[number];
  baselineDir: string;
}

export function readInputs(): SummaryInputs {
  return {
    comment: readEnum(INPUT.comment, COMMENT_MODES, 'auto'),
    header: readString(INPUT.header, { fallback: 'gantry' }),
    title: readString(INPUT.title, { fallback: 'gantry: where the time went' }),
    token: readSecret(INPUT.token),
    baseline: readEnum(INPUT.baseline, BASELINE_MODES, 'cache'),
    baselineDir: readString(INPUT.baselineDir),
  };
}
