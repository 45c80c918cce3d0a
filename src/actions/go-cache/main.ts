import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as core from '../../runtime/core.js';
import { goMissing } from '../../tools/go/compile.js';
import { isGopathRepo, placeInGopath } from '../../tools/go/gopath.js';
import {
  combineHits,
  type CacheBackend,
  type HitKind,
  type RestoreOptions,
} from '../../cache/backend.js';
import { GitHubCacheBackend } from '../../cache/github.js';
import {
  ageEntries,
  entryNames,
  GO_MTIME_INTERVAL_MS,
  shardSplit,
  fingerprint,
  totalBytes,
  trimEntries,
} from '../../cache/gocache.js';
import {
  buildKeys,
  hashDependencyFiles,
  NO_DEPENDENCIES,
  hitKind,
  moduleKeys,
  type EntryKeys,
} from '../../cache/keys.js';
import { LocalCacheBackend } from '../../cache/local.js';
import { decideSave, worthSaving, worthSavingTrimmed } from '../../cache/policy.js';
import { withDeadline } from '../../runtime/deadline.js';
import { errorMessage, UserError, ValidationError } from '../../runtime/errors.js';
import { execFile, ProgramNotFoundError } from '../../runtime/exec.js';
import { pathExists } from '../../runtime/fs.js';
import { readState, saveState } from '../../runtime/state.js';
import { runnerTemp } from '../../runtime/temp.js';
import { Timeline } from '../../runtime/timeline.js';
import { CHECKOUT_ENV } from '../../runtime/workspace.js';
import { gitContextFromEnv } from '../../github/context.js';
import { INPUT, OUTPUT, readInputs, type GoCacheInputs } from './inputs.js';

const ACTION = 'go-cache';
const STATE = 'go-cache';

interface Entry {
  paths: string[];
  keys: EntryKeys;
  matched?: string;
  hit: HitKind;
}

interface CacheState {
  backend: GoCacheInputs['backend'];
  localDir: string;
  localMaxBytes: number;
  save: GoCacheInputs['save'];
  timeoutMs: number;
  gocache: string;
  /** mtime given to restored build-cache entries; untouched ones still have it at post. */
  agedAt?: number;
  /** A file listing the restored entries' names: what the build adds beyond them is new. */
  restoredList?: string;
  /** A file listing the entries the restore wrote (not there before): the saved cache's share. */
  writtenList?: string;
  build: Entry;
  /** None for a module with no dependencies (no go.sum): an empty module cache is no miss. */
  modules?: Entry;
}

interface GoEnv {
  GOVERSION: string;
  GOOS: string;
  GOARCH: string;
  GOPATH: string;
  GOCACHE: string;
  GOMODCACHE: string;
}

async function readGoEnv(cwd: string): Promise<GoEnv> {
  try {
    const r = await execFile(
      'go',
      ['env', '-json', 'GOVERSION', 'GOOS', 'GOARCH', 'GOPATH', 'GOCACHE', 'GOMODCACHE'],
      { cwd, silent: true },
    );
    return JSON.parse(r.stdout) as GoEnv;
  } catch (err) {
    if (err instanceof ProgramNotFoundError) throw new UserError(goMissing('go-cache'));
    throw err;
  }
}

async function backendFor(
  s: Pick<CacheState, 'backend' | 'localDir' | 'localMaxBytes'>,
): Promise<CacheBackend | undefined> {
  if (s.backend === 'local')
    return new LocalCacheBackend(
      s.localDir,
      process.env.GITHUB_REPOSITORY || 'local',
      s.localMaxBytes,
    );
  const gh = new GitHubCacheBackend();
  if (await gh.available()) return gh;
  core.warning(
    'The Actions cache service is not available to this job (no ACTIONS_RESULTS_URL); Go caches are neither restored nor saved. Use backend: local on runners without it.',
  );
  return undefined;
}

function importPathFromRepository(): string {
  const repo = process.env.GITHUB_REPOSITORY;
  if (!repo)
    throw new ValidationError(
      INPUT.importPath,
      '',
      'a Go import path such as github.com/owner/repo',
      'required when GITHUB_REPOSITORY is not set',
    );
  const host = new URL(process.env.GITHUB_SERVER_URL || 'https://github.com').host;
  return `${host}/${repo}`;
}

/** Moves a GOPATH-mode checkout into GOPATH; returns the directory later steps work in. */
async function layOut(inputs: GoCacheInputs, timeline: Timeline): Promise<string> {
  const gopathMode =
    inputs.gopathMode === 'auto'
      ? await isGopathRepo(inputs.dir, inputs.workspace)
      : inputs.gopathMode === 'true';
  if (!gopathMode) return inputs.dir;
  return timeline.phase('layout', async (attrs) => {
    const gopath =
      inputs.gopath || process.env.GOPATH || (await readGoEnv(inputs.workspace)).GOPATH;
    const importPath = inputs.importPath || importPathFromRepository();
    const root = await placeInGopath(inputs.workspace, gopath, importPath);
    process.env.GOPATH = gopath;
    process.env.GO111MODULE = 'off';
    core.exportVariable('GOPATH', gopath);
    core.exportVariable('GO111MODULE', 'off');
    // the workspace's entries now link there: later steps' path inputs may follow them
    core.exportVariable(CHECKOUT_ENV, root);
    core.info(`GOPATH mode: the checkout is at ${root} (GOPATH=${gopath}, GO111MODULE=off)`);
    attrs.importPath = importPath;
    return join(root, relative(inputs.workspace, inputs.dir));
  });
}

async function restoreEntry(
  backend: CacheBackend,
  e: Entry,
  timeoutMs: number,
  what: string,
  opts: RestoreOptions = {},
): Promise<void> {
  try {
    e.matched = await withDeadline(
      backend.restore(e.paths, e.keys.key, e.keys.restoreKeys, opts),
      timeoutMs,
      `restoring the ${what}`,
    );
  } catch (err) {
    core.warning(
      `Could not restore the ${what} (${backend.name} cache): ${errorMessage(err)}; going on without it`,
    );
  }
  e.hit = hitKind(e.keys, e.matched);
}

/**
 * An entry that matched a key and left nothing in its paths (saved elsewhere, in a form this run
 * cannot place, or empty) is a miss, said with the key.
 */
function restoredNothing(e: Entry, what: string): void {
  if (e.matched === undefined) return;
  core.warning(
    `The ${what} entry ${e.matched} restored nothing into ${e.paths.join(', ')}; counted as a miss`,
  );
  delete e.matched;
  e.hit = 'none';
}

/** Whether any of the paths is a directory with something in it. */
async function holdsAny(paths: readonly string[]): Promise<boolean> {
  for (const p of paths) if ((await readdir(p).catch(() => [])).length > 0) return true;
  return false;
}

export async function main(): Promise<void> {
  const inputs = readInputs();
  const timeline = new Timeline(ACTION);
  const dir = await layOut(inputs, timeline);
  const env = await readGoEnv(dir);
  core.exportVariable('GOCACHE', env.GOCACHE);
  core.exportVariable('GOMODCACHE', env.GOMODCACHE);
  core.setOutput(OUTPUT.path, dir);
  core.setOutput(OUTPUT.gopath, env.GOPATH);
  core.setOutput(OUTPUT.gocache, env.GOCACHE);
  core.setOutput(OUTPUT.gomodcache, env.GOMODCACHE);

  const vendor = join(dir, 'vendor');
  const vendorInCheckout = await pathExists(join(vendor, 'modules.txt'));
  const parts = {
    prefix: inputs.keyPrefix,
    os: env.GOOS,
    arch: env.GOARCH,
    goVersion: env.GOVERSION,
    depsHash: await hashDependencyFiles(dir, vendorInCheckout),
  };
  const state: CacheState = {
    backend: inputs.backend,
    localDir: inputs.localDir,
    localMaxBytes: inputs.localMaxBytes,
    save: inputs.save,
    timeoutMs: inputs.timeoutMs,
    gocache: env.GOCACHE,
    build: { paths: [env.GOCACHE], keys: buildKeys(parts), hit: 'none' },
    ...(parts.depsHash === NO_DEPENDENCIES
      ? {}
      : {
          modules: {
            paths: vendorInCheckout ? [env.GOMODCACHE] : [env.GOMODCACHE, vendor],
            keys: moduleKeys(parts),
            hit: 'none' as HitKind,
          },
        }),
  };
  const entries = () => [state.build, ...(state.modules ? [state.modules] : [])];
  const backend = await backendFor(state);
  if (backend) {
    await timeline.phase('restore', async (attrs) => {
      const before = new Set(await entryNames(env.GOCACHE));
      // both at once (other directories); build-cache files are named by their content: one
      // already here is kept, not rewritten (a runner that kept its GOCACHE writes nothing)
      await Promise.all([
        state.modules && restoreEntry(backend, state.modules, inputs.timeoutMs, 'module cache'),
        restoreEntry(backend, state.build, inputs.timeoutMs, 'build cache', {
          keepExisting: true,
          split: shardSplit(Math.min(availableParallelism(), 4)),
        }),
      ]);
      state.agedAt = Date.now() - 2 * GO_MTIME_INTERVAL_MS;
      const restored = await ageEntries(env.GOCACHE, state.agedAt);
      // a hit is what is there after the restore, never the key alone
      if (restored.length === 0) restoredNothing(state.build, 'build cache');
      if (state.modules && !(await holdsAny(state.modules.paths)))
        restoredNothing(state.modules, 'module cache');
      state.restoredList = join(runnerTemp(), 'gantry', 'go-cache-restored.txt');
      state.writtenList = join(runnerTemp(), 'gantry', 'go-cache-written.txt');
      await mkdir(dirname(state.restoredList), { recursive: true });
      await writeFile(state.restoredList, restored.join('\n'));
      await writeFile(state.writtenList, restored.filter((n) => !before.has(n)).join('\n'));
      attrs.backend = backend.name;
      attrs.hit = combineHits(entries().map((e) => e.hit));
      attrs['build-hit'] = state.build.hit;
      attrs['modules-hit'] = state.modules?.hit ?? 'no dependencies';
      attrs.entries = restored.length;
    });
    saveState(STATE, state);
  }
  const hit = combineHits(entries().map((e) => e.hit));
  const modules = state.modules ? (state.modules.matched ?? 'miss') : 'none needed: no go.sum';
  core.info(`Go caches: ${hit} (build ${state.build.matched ?? 'miss'}; modules ${modules})`);
  core.setOutput(OUTPUT.cacheHit, hit);
}

async function saveEntry(
  backend: CacheBackend,
  paths: string[],
  key: string,
  timeoutMs: number,
  what: string,
): Promise<boolean> {
  const present = await Promise.all(paths.map(pathExists));
  if (!present.some(Boolean)) {
    core.info(`The ${what} is empty; nothing to save`);
    return false;
  }
  try {
    // every path, present or not: a path's place in the list is its name in the entry
    const saved = await withDeadline(backend.save(paths, key), timeoutMs, `saving the ${what}`);
    if (saved) core.info(`Saved the ${what} as ${key}`);
    return saved;
  } catch (err) {
    core.warning(`Could not save the ${what} (${backend.name} cache): ${errorMessage(err)}`);
    return false;
  }
}

/** The names in a list the restore wrote; none when there is no list. */
async function readNames(file: string | undefined): Promise<Set<string>> {
  if (!file) return new Set();
  return new Set((await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean));
}

/** Trims the build cache to what this run used and saves what is new, as the save policy says. */
export async function post(): Promise<void> {
  const state = readState<CacheState>(STATE);
  if (!state) return;
  const timeline = new Timeline(ACTION);
  const backend = await backendFor(state);
  if (!backend) return;
  const { kept, dropped } = await timeline.phase('trim', async (attrs) => {
    const r = await trimEntries(
      state.gocache,
      state.agedAt === undefined ? 0 : state.agedAt + 1000,
    );
    attrs.dropped = r.dropped.length;
    attrs['dropped-bytes'] = totalBytes(r.dropped);
    attrs.entries = r.kept.length;
    attrs.bytes = totalBytes(r.kept);
    core.info(
      `Build cache: kept ${r.kept.length} entries this run used, dropped ${r.dropped.length} it did not`,
    );
    return r;
  });
  const ctx = gitContextFromEnv();
  await timeline.phase('save', async (attrs) => {
    const buildKey = `${state.build.keys.key}-${fingerprint(kept)}`;
    const restored = await readNames(state.restoredList);
    const written = await readNames(state.writtenList);
    // only entries this run compiled are worth a new cache entry; dropping unused ones is not
    const fresh = kept.filter((f) => !restored.has(f.name));
    const added = fresh.length;
    attrs['new-entries'] = added;
    attrs['new-bytes'] = totalBytes(fresh);
    if (added)
      core.info(
        `The build added ${added} cache entries (${totalBytes(fresh)} bytes)${added <= 8 ? `: ${fresh.map((f) => `${f.name} (${f.size})`).join(', ')}` : ''}`,
      );
    // restored and not used: the next restore writes them again unless the cache is saved anew
    const unusedRestored = dropped.filter((f) => written.has(f.name)).length;
    attrs['unused-restored'] = unusedRestored;
    const isNew =
      buildKey !== state.build.matched &&
      (worthSaving(state.build.hit, totalBytes(fresh), totalBytes(kept)) ||
        worthSavingTrimmed(state.build.hit, {
          new: added,
          newBytes: totalBytes(fresh),
          unusedRestored,
          afterRestore: restored.size,
        }));
    const build = decideSave(state.save, ctx, isNew);
    attrs['build-saved'] =
      build.save &&
      (await saveEntry(backend, state.build.paths, buildKey, state.timeoutMs, 'build cache'));
    if (!build.save) core.info(`Build cache not saved: ${build.reason}`);
    if (state.modules) {
      const modules = decideSave(state.save, ctx, state.modules.hit !== 'exact');
      attrs['modules-saved'] =
        modules.save &&
        (await saveEntry(
          backend,
          state.modules.paths,
          state.modules.keys.key,
          state.timeoutMs,
          'module cache',
        ));
      if (!modules.save) core.info(`Module cache not saved: ${modules.reason}`);
    }
    attrs.bytes = totalBytes(kept);
  });
}
