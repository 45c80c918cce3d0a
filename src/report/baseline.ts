import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheBackend } from '../cache/backend.js';

/** Phase times of a branch's last run, by `action/phase`. */
export type Baseline = Record<string, number>;

/** Where baselines live between runs. */
export interface BaselineStore {
  load(key: string): Promise<Baseline | undefined>;
  save(key: string, baseline: Baseline): Promise<void>;
}

/** One baseline per workflow and branch. */
export function baselineKey(workflow: string, branch: string): string {
  return `gantry-timing-${workflow}-${branch}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A directory (self-hosted runners, or a restored cache path): one JSON file per key, written atomically. */
export class DirectoryBaselineStore implements BaselineStore {
  constructor(private readonly dir: string) {}

  async load(key: string): Promise<Baseline | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(this.dir, `${key}.json`), 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return undefined;
      return Object.fromEntries(
        Object.entries(parsed).filter(([, v]) => typeof v === 'number'),
      ) as Baseline;
    } catch {
      return undefined;
    }
  }

  async save(key: string, baseline: Baseline): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${key}.json`);
    await writeFile(`${path}.tmp`, JSON.stringify(baseline));
    await rename(`${path}.tmp`, path);
  }
}

/**
 * Baselines through a cache backend (the Actions cache by default). Cache entries are immutable,
 * so each save is a new entry `<key>-<time>` and a load restores the newest `<key>-…`; each key
 * has its own directory, so the path list (which the Actions cache versions entries by) is stable.
 */
export class CacheBaselineStore implements BaselineStore {
  constructor(
    private readonly backend: CacheBackend,
    private readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  private dir(key: string): string {
    return join(this.root, key);
  }

  async load(key: string): Promise<Baseline | undefined> {
    const matched = await this.backend.restore([this.dir(key)], key, [`${key}-`]);
    return matched ? new DirectoryBaselineStore(this.dir(key)).load(key) : undefined;
  }

  async save(key: string, baseline: Baseline): Promise<void> {
    await new DirectoryBaselineStore(this.dir(key)).save(key, baseline);
    await this.backend.save([this.dir(key)], `${key}-${this.now()}`);
  }
}
