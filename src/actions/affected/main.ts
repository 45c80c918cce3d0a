import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { baseOf, changedFiles, fileAt, reachBase } from '../../affected/changes.js';
import { buildRoots, listGraph } from '../../affected/graph.js';
import { buildMatrix, renderAffected } from '../../affected/matrix.js';
import { moduleChanges } from '../../affected/modchanges.js';
import { formatReason, selectServices, type Reason } from '../../affected/select.js';
import { resolveServices } from '../../affected/services.js';
import { readEventPayload } from '../../github/context.js';
import { formatPlatform } from '../../oci/platform.js';
import { mapLimit } from '../../runtime/concurrency.js';
import * as core from '../../runtime/core.js';
import { UserError } from '../../runtime/errors.js';
import { execFile, sayingWhenMissing } from '../../runtime/exec.js';
import { Timeline } from '../../runtime/timeline.js';
import { STATIC_BASE_BUILD_TAGS } from '../../tools/go/compile.js';
import { workspaceRoot } from '../../runtime/workspace.js';
import { availableParallelism } from 'node:os';
import { INPUT, OUTPUT, readInputs } from './inputs.js';

export async function main(): Promise<void> {
  const inputs = readInputs();
  const timeline = new Timeline('affected');
  const dir = realpathSync(inputs.dir);
  const shown = relative(workspaceRoot(), inputs.dir) || '.';
  const go = process.env.GANTRY_GO || 'go';
  const exec = sayingWhenMissing(
    sayingWhenMissing(execFile, go, 'go is not on PATH: run actions/setup-go before affected'),
    'git',
    'git is not on PATH: affected reads the clone with git',
  );
  const notes: string[] = [];

  // what to compare with: the event's base, reached in the clone (fetched or deepened if need be)
  const base = baseOf(
    inputs.base,
    process.env.GITHUB_EVENT_NAME ?? '',
    readEventPayload(process.env.GITHUB_EVENT_PATH) as Parameters<typeof baseOf>[2],
  );
  let from: string | undefined;
  let every = 'every' in base ? base.every : undefined;
  if ('sha' in base) {
    from = await timeline.phase('history', () => reachBase(exec, dir, base.sha, notes));
    if (from)
      notes.unshift(
        `compared with ${base.why}, ${base.sha.slice(0, 12)}${from !== base.sha ? `, merge base ${from.slice(0, 12)}` : ''}`,
      );
    else
      every = `the base ${base.sha.slice(0, 12)} (${base.why}) is not in the clone's history and could not be fetched`;
  }

  // the graphs: one go list -deps for each build root and platform
  const roots = buildRoots(dir);
  if (roots.length === 0)
    throw new UserError(`No Go module (go.mod) in ${shown} (input "${INPUT.workingDirectory}")`);
  const jobs = roots.flatMap((root) => inputs.platforms.map((platform) => ({ root, platform })));
  const graphs = await timeline.phase('graph', async (attrs) => {
    attrs.lists = jobs.length;
    return mapLimit(jobs, availableParallelism(), ({ root, platform }) =>
      // the tags the go builder adds for its default base too: a file only they take counts
      listGraph(exec, go, dir, root, platform, [...STATIC_BASE_BUILD_TAGS, ...inputs.buildTags]),
    );
  });
  const services = resolveServices(INPUT.services, inputs.services, graphs, inputs.images);
  if (services.length === 0)
    throw new UserError(
      `No main package in ${shown}: there is no service to build (input "${INPUT.services}")`,
    );

  const selected = await timeline.phase('select', async (attrs) => {
    if (every)
      return new Map<string, Reason>(services.map((s) => [s.name, { file: '', chain: [every!] }]));
    const changes = await changedFiles(exec, dir, from!);
    attrs.files = changes.length;
    const moved = await moduleChanges(
      changes,
      roots.map((r) => r.dir),
      (side, path) => fileAt(exec, dir, side === 'base' ? from! : 'HEAD', path),
    );
    return selectServices(services, graphs, changes, moved);
  });

  const chosen = services.filter((s) => selected.has(s.name));
  if (every) core.info(`Every service: ${every}`);
  for (const n of notes) core.info(n);
  for (const s of services) {
    const r = selected.get(s.name);
    // a file's name may hold a line break: one line each, never a workflow command
    const why = r ? `rebuild — ${formatReason(r).replace(/[\r\n]+/g, ' ')}` : 'unchanged';
    core.info(`${s.name}: ${why}`);
  }
  const platforms = inputs.platforms.map(formatPlatform);
  core.setOutput(OUTPUT.services, JSON.stringify(chosen.map((s) => s.name)));
  core.setOutput(OUTPUT.matrix, JSON.stringify(buildMatrix(chosen, platforms, inputs.runners)));
  core.setOutput(OUTPUT.any, String(chosen.length > 0));
  core.setOutput(OUTPUT.all, String(chosen.length === services.length));
  core.setOutput(OUTPUT.reasons, JSON.stringify(Object.fromEntries(selected)));
  core.setOutput(OUTPUT.base, from ?? '');
  core.appendSummary(
    renderAffected(services, selected, every ? [`every service: ${every}`, ...notes] : notes),
  );
}
