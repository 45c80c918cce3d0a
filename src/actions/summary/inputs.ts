import { ValidationError } from '../../runtime/errors.js';
import { readEnum, readPath, readSecret, readString } from '../../runtime/inputs.js';

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

const HEADER = /^[A-Za-z0-9._-]{1,64}$/;

/** `header` names the sticky comment inside an HTML comment: a plain name, nothing to escape. */
function readHeader(): string {
  const header = readString(INPUT.header, { fallback: 'gantry' });
  if (!HEADER.test(header))
    throw new ValidationError(INPUT.header, header, '1-64 letters, digits, ".", "_" or "-"');
  return header;
}

/** `title` is one Markdown heading: one line. */
function readTitle(): string {
  const title = readString(INPUT.title, { fallback: 'gantry: where the time went' });
  if (/[\r\n]/.test(title) || title.length > 200)
    throw new ValidationError(INPUT.title, title, 'one line of at most 200 characters');
  return title;
}

export function readInputs(): SummaryInputs {
  return {
    comment: readEnum(INPUT.comment, COMMENT_MODES, 'auto'),
    header: readHeader(),
    title: readTitle(),
    token: readSecret(INPUT.token),
    baseline: readEnum(INPUT.baseline, BASELINE_MODES, 'cache'),
    baselineDir: readPath(INPUT.baselineDir, {
      absoluteAllowed: true,
      accepted: 'an absolute directory kept between runs',
    }),
  };
}
