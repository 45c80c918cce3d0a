import { escapeMarkdown } from '../report/markdown.js';
import { formatReason, type Reason } from './select.js';
import type { Service } from './services.js';

/** One job of the build matrix: what build-push takes for a service (and a platform's runner). */
export interface MatrixEntry {
  /** The service's name. */
  name: string;
  dir: string;
  context: string;
  main: string;
  image: string;
  platforms?: string;
  platform?: string;
  runner?: string;
}

/**
 * `strategy.matrix` for the selected services: one entry a service (its platforms together), or,
 * with runners, one a service and platform on that platform's runner.
 */
export function buildMatrix(
  services: readonly Service[],
  platforms: readonly string[],
  runners: ReadonlyMap<string, string>,
): { include: MatrixEntry[] } {
  const include = services.flatMap((s): MatrixEntry[] => {
    const entry = { name: s.name, dir: s.dir, context: s.context, main: s.main, image: s.image };
    return runners.size
      ? platforms.map((platform) => ({ ...entry, platform, runner: runners.get(platform)! }))
      : [{ ...entry, platforms: platforms.join(',') }];
  });
  return { include };
}

/** The step summary: each service, rebuilt or not, and why. */
export function renderAffected(
  services: readonly Service[],
  selected: ReadonlyMap<string, Reason>,
  notes: readonly string[],
): string {
  const rows = services.map((s) => {
    const r = selected.get(s.name);
    return `| ${escapeMarkdown(s.name)} | ${r ? 'rebuild' : 'unchanged'} | ${r ? escapeMarkdown(formatReason(r)) : ''} |`;
  });
  return [
    `### Affected services: ${selected.size} of ${services.length}`,
    '',
    ...notes.map((n) => `- ${escapeMarkdown(n)}`),
    ...(notes.length ? [''] : []),
    '| service | | why |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
