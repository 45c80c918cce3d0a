import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BINFMT_ROOT = '/proc/sys/fs/binfmt_misc';

function hexToEscapes(hex: string): string {
  return hex.replace(/(..)/g, '\\x$1');
}

export function isMounted(): boolean {
  return existsSync(join(BINFMT_ROOT, 'register'));
}

export function readEntry(name: string): string | undefined {
  try {
    return readFileSync(join(BINFMT_ROOT, name), 'utf8');
  } catch {
    return undefined;
  }
}

export function removeEntry(name: string): void {
  if (readEntry(name) !== undefined) writeFileSync(join(BINFMT_ROOT, name), '-1');
}

/**
 * What binfmt_misc held before a test, so the test can put it back: entries it added are
 * removed, entries it replaced are registered again as they were, and a mount it made is undone.
 */
export class BinfmtSnapshot {
  private constructor(
    private readonly wasMounted: boolean,
    private readonly entries: Map<string, string>,
  ) {}

  static take(): BinfmtSnapshot {
    const mounted = isMounted();
    const entries = new Map<string, string>();
    if (mounted) {
      for (const name of readdirSync(BINFMT_ROOT)) {
        if (name === 'register' || name === 'status') continue;
        entries.set(name, readFileSync(join(BINFMT_ROOT, name), 'utf8'));
      }
    }
    return new BinfmtSnapshot(mounted, entries);
  }

  restore(): void {
    if (!isMounted()) return;
    for (const name of readdirSync(BINFMT_ROOT)) {
      if (name === 'register' || name === 'status') continue;
      if (this.entries.get(name) !== readEntry(name)) removeEntry(name);
    }
    for (const [name, text] of this.entries) {
      if (readEntry(name) !== undefined) continue;
      const field = (k: string) =>
        text
          .split('\n')
          .find((l) => l.startsWith(k))
          ?.slice(k.length)
          .trim() ?? '';
      const line = `:${name}:M:${field('offset ')}:${hexToEscapes(field('magic '))}:${hexToEscapes(field('mask '))}:${field('interpreter ')}:${field('flags:')}`;
      writeFileSync(join(BINFMT_ROOT, 'register'), line);
    }
    if (!this.wasMounted) execFileSync('umount', [BINFMT_ROOT]);
  }
}

/** A field (`magic`, `mask`, `offset`, …) of Debian's /usr/share/binfmts/qemu-<arch> file. */
export function debianBinfmtField(qemu: string): (key: string) => string {
  const text = readFileSync(`/usr/share/binfmts/qemu-${qemu}`, 'utf8');
  return (key) =>
    text
      .split('\n')
      .find((l) => l.startsWith(`${key} `))
      ?.slice(key.length + 1)
      .trim() ?? '';
}
