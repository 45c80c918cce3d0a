import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storedZip } from './zip.js';

export interface ProxyModule {
  path: string;
  version: string;
  /** Files relative to the module root, go.mod included. */
  files: Record<string, string>;
}

/**
 * A Go module proxy on disk (GOPROXY=file://…): <module>/@v/{list,<v>.info,<v>.mod,<v>.zip}, the
 * layout `go` fetches from. Module paths must be lower case (no escaping done).
 */
export function writeGoProxy(dir: string, modules: readonly ProxyModule[]): string {
  for (const m of modules) {
    const at = join(dir, m.path, '@v');
    mkdirSync(at, { recursive: true });
    const mod = m.files['go.mod'] ?? `module ${m.path}\n`;
    writeFileSync(
      join(at, `${m.version}.info`),
      JSON.stringify({ Version: m.version, Time: '2024-01-01T00:00:00Z' }),
    );
    writeFileSync(join(at, `${m.version}.mod`), mod);
    const files = Object.fromEntries(
      Object.entries({ ...m.files, 'go.mod': mod }).map(([n, t]) => [
        `${m.path}@${m.version}/${n}`,
        t,
      ]),
    );
    writeFileSync(join(at, `${m.version}.zip`), storedZip(files));
  }
  for (const path of new Set(modules.map((m) => m.path)))
    writeFileSync(
      join(dir, path, '@v', 'list'),
      modules
        .filter((m) => m.path === path)
        .map((m) => m.version)
        .join('\n') + '\n',
    );
  return `file://${dir}`;
}
