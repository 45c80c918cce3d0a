import { access, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from './errors.js';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A full disk said with the file and the room it needed (Node's own ENOSPC names neither); any
 * other error is handed back as it is.
 */
export async function spaceError(err: unknown, file: string, needed: number): Promise<unknown> {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'ENOSPC') return err;
  const free = await statfs(dirname(file)).then(
    (s) => s.bavail * s.bsize,
    () => undefined,
  );
  return new UserError(
    `No space left on the device to write ${file}: it needed about ${mib(needed)}${free === undefined ? '' : `, ${mib(free)} are free there`}`,
  );
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
