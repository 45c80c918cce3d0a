import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Secrets for `buildctl --secret id=…,src=…`: each value in its own 0600 file in a 0700 directory,
 * so no value is ever an argument. The caller removes the directory when the build is done.
 */
export async function writeSecretFiles(
  dir: string,
  secrets: Record<string, string>,
): Promise<{ id: string; src: string }[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: { id: string; src: string }[] = [];
  for (const [id, value] of Object.entries(secrets)) {
    const src = join(dir, randomBytes(8).toString('hex'));
    await writeFile(src, value, { mode: 0o600 });
    files.push({ id, src });
  }
  return files;
}

export async function removeSecretFiles(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
