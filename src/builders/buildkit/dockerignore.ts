import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RUNNER_ONLY } from '../../image/tree.js';

/**
 * The ignore rules BuildKit's Dockerfile frontend applies to a local context, with the runner's
 * own files (`.git`: its config holds actions/checkout's token) left out first: the Dockerfile's
 * own ignore file (`<Dockerfile>.dockerignore` beside it, else `.dockerignore` in the context)
 * comes after, so a `!.git` there sends `.git` after all — as the user said.
 */
export async function contextIgnore(
  dockerfile: string,
  context: string,
): Promise<{ lines: string[]; sendsGit: boolean }> {
  let own = '';
  for (const file of [`${dockerfile}.dockerignore`, join(context, '.dockerignore')]) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      own = text;
      break;
    }
  }
  const userLines = own.split(/\r?\n/);
  const lines = [...RUNNER_ONLY, ...userLines];
  // dockerignore: the last rule that matches wins
  const last = userLines
    .map((l) => l.trim().replace(/^\/+/, '').replace(/\/+$/, ''))
    .filter((l) => l === '.git' || l === '!.git')
    .at(-1);
  return { lines, sendsGit: last === '!.git' };
}

/**
 * A Dockerfile directory for buildctl's `--local dockerfile=`: the Dockerfile copied into dir with
 * `<name>.dockerignore` beside it, which BuildKit prefers to the context's .dockerignore.
 */
export async function writeDockerfileDir(
  dockerfile: string,
  dir: string,
  ignore: readonly string[],
): Promise<{ dockerfileDir: string; filename: string }> {
  const filename = basename(dockerfile);
  await mkdir(dir, { recursive: true });
  await copyFile(dockerfile, join(dir, filename));
  await writeFile(join(dir, `${filename}.dockerignore`), `${ignore.join('\n')}\n`);
  return { dockerfileDir: dir, filename };
}
