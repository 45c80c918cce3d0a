import { join } from 'node:path';
import { ValidationError } from '../../runtime/errors.js';
import { validateImportPath } from '../../tools/go/gopath.js';
import { SAVE_POLICIES, type SavePolicy } from '../../cache/policy.js';
import { readByteSize, readEnum, readInteger, readPath, readString } from '../../runtime/inputs.js';
import { workspaceRoot } from '../../runtime/workspace.js';

/** Input and output names, as in actions/go-cache/action.yml. */
export const INPUT = {
  workingDirectory: 'working-directory',
  gopathMode: 'gopath-mode',
  importPath: 'import-path',
  gopath: 'gopath',
  backend: 'backend',
  localDir: 'local-dir',
  localMaxSize: 'local-max-size',
  save: 'save',
  keyPrefix: 'key-prefix',
  timeout: 'timeout',
} as const;

export const OUTPUT = {
  cacheHit: 'cache-hit',
  path: 'path',
  gopath: 'gopath',
  gocache: 'gocache',
  gomodcache: 'gomodcache',
} as const;

export const BACKENDS = ['github', 'local'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface GoCacheInputs {
  workspace: string;
  dir: string;
  gopathMode: 'auto' | 'true' | 'false';
  importPath: string;
  gopath: string;
  backend: Backend;
  localDir: string;
  localMaxBytes: number;
  save: SavePolicy;
  keyPrefix: string;
  timeoutMs: number;
}

const KEY_PREFIX = /^[A-Za-z0-9._-]+$/;

export function readInputs(): GoCacheInputs {
  const workspace = workspaceRoot();
  const importPath = readString(INPUT.importPath);
  if (importPath) validateImportPath(INPUT.importPath, importPath);
  const keyPrefix = readString(INPUT.keyPrefix, { fallback: 'gantry-go' });
  if (!KEY_PREFIX.test(keyPrefix))
    throw new ValidationError(INPUT.keyPrefix, keyPrefix, 'letters, digits, ".", "_" and "-"');
  return {
    workspace,
    dir: readPath(INPUT.workingDirectory, {
      fallback: '.',
      kind: 'dir',
      accepted: 'a directory in the workspace',
    }),
    gopathMode: readEnum(INPUT.gopathMode, ['auto', 'true', 'false'] as const, 'auto'),
    importPath,
    gopath: readPath(INPUT.gopath, {
      absoluteAllowed: true,
      accepted: 'an absolute directory outside the workspace (or one relative inside it)',
    }),
    backend: readEnum(INPUT.backend, BACKENDS, 'github'),
    localDir: readPath(INPUT.localDir, {
      absoluteAllowed: true,
      fallback: join(process.env.RUNNER_TOOL_CACHE || join(workspace, '..'), 'gantry-go-cache'),
      accepted: 'an absolute directory kept between runs',
    }),
    localMaxBytes: readByteSize(INPUT.localMaxSize, 10 * 2 ** 30),
    save: readEnum(INPUT.save, SAVE_POLICIES, 'auto'),
    keyPrefix,
    timeoutMs: readInteger(INPUT.timeout, 600, 1, 86400) * 1000,
  };
}
