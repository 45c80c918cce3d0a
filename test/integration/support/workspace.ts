import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../../harness/paths.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'gantry test',
  GIT_AUTHOR_EMAIL: 'test@gantry.invalid',
  GIT_COMMITTER_NAME: 'gantry test',
  GIT_COMMITTER_EMAIL: 'test@gantry.invalid',
};

/** A git checkout of examples/<name>, as actions/checkout leaves a workspace. */
export function exampleWorkspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-ws-'));
  cpSync(join(REPO_ROOT, 'examples', name), dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  commitAll(dir, name, '2024-05-01T12:00:00Z');
  return dir;
}

/** A git checkout of examples/hello-go. */
export function helloGoWorkspace(): string {
  return exampleWorkspace('hello-go');
}

export function commitAll(dir: string, message: string, date: string): void {
  const env = { ...process.env, ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env });
}

/**
 * A package `slow` in examples/hello-go's module that takes seconds to compile (thousands of
 * functions), in a file named `file` (slow_arm64.go: for arm64 only); `seed` makes its source
 * new, so no build cache has it. Its import path.
 */
export function addSlowPackage(ws: string, file = 'slow.go', seed = 0): string {
  mkdirSync(join(ws, 'slow'), { recursive: true });
  const funcs = Array.from(
    { length: 4000 },
    (_, i) =>
      `func F${i}(x int) int { for j := 0; j < ${(i % 9) + 1}; j++ { x = x*31 + j + ${seed} }; return x }`,
  );
  writeFileSync(join(ws, 'slow', file), `package slow\n\n${funcs.join('\n')}\n`);
  return 'example.com/hello-go/slow';
}
