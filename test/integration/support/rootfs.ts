import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../../../src/oci/digest.js';
import type { ImageConfig, ImageManifest } from '../../../src/oci/manifest.js';
import { requireProgram } from './require.js';

/**
 * An image's layers extracted in order into `dir` (as root, so owners and modes are the image's;
 * gantry's and buildah's layers have no whiteouts). Returns the image's config.
 */
export async function extractImage(
  readBlob: (digest: Digest) => Promise<Buffer>,
  manifest: ImageManifest,
  dir: string,
): Promise<ImageConfig> {
  mkdirSync(dir, { recursive: true });
  for (const [i, layer] of manifest.layers.entries()) {
    const file = `${dir}.layer-${i}.tar.gz`;
    writeFileSync(file, await readBlob(layer.digest));
    execFileSync('tar', ['-xzf', file, '-C', dir, '--numeric-owner', '--same-owner']);
  }
  return JSON.parse((await readBlob(manifest.config.digest)).toString('utf8')) as ImageConfig;
}

const QEMU: Record<string, string> = {
  arm64: 'qemu-aarch64-static',
  riscv64: 'qemu-riscv64-static',
};

/**
 * Runs `argv` inside an extracted image as the image's user (chroot --userspec), with the
 * image's environment. A foreign architecture runs through its static QEMU copied into the
 * root — no binfmt_misc handler is needed or touched.
 */
export function runInRootfs(
  dir: string,
  config: ImageConfig,
  argv: string[],
): { status: number | null; stdout: string; stderr: string } {
  const user = config.config?.User || '0:0';
  let command = argv;
  if (config.architecture !== (process.arch === 'x64' ? 'amd64' : process.arch)) {
    const qemu = QEMU[config.architecture];
    if (!qemu) throw new Error(`no QEMU for ${config.architecture}`);
    copyFileSync(requireProgram(qemu, 'qemu-user-static'), join(dir, `.${qemu}`));
    command = [`/.${qemu}`, ...argv];
  }
  const r = spawnSync('chroot', [`--userspec=${user}`, dir, ...command], {
    encoding: 'utf8',
    env: Object.fromEntries(
      (config.config?.Env ?? []).map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
    ),
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
