import { writeFile } from 'node:fs/promises';
import type { Exec } from './exec.js';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** argv run as root: as is when we are root, else through passwordless sudo (hosted runners). */
export function asRoot(argv: readonly string[], root = isRoot()): [string, string[]] {
  const [file, ...args] = argv;
  if (!file) throw new Error('asRoot: empty argv');
  return root ? [file, args] : ['sudo', ['-n', file, ...args]];
}

/** Writes a kernel or system file as root (sudo tee when we are not root). */
export async function writeAsRoot(
  exec: Exec,
  path: string,
  content: string,
  root = isRoot(),
): Promise<void> {
  if (root) {
    await writeFile(path, content);
    return;
  }
  await exec('sudo', ['-n', 'tee', path], { input: content, silent: true });
}
