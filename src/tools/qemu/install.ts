import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import * as core from '@actions/core';
import * as io from '@actions/io';
import * as tc from '@actions/tool-cache';
import { downloadVerified } from '../../runtime/download.js';
import { pathExists } from '../../runtime/fs.js';
import { UserError, ValidationError } from '../../runtime/errors.js';
import type { Exec } from '../../runtime/exec.js';
import { asRoot } from '../../runtime/privilege.js';
import type { Attrs } from '../../runtime/timeline.js';
import { pinnedAsset, releasePlatform } from '../pinned.js';
import type { QemuArch } from './arches.js';

export const QEMU_TOOL = 'binfmt-qemu';
export const DEFAULT_QEMU_RELEASE = 'deploy/v10.2.3-68';
export const DEFAULT_QEMU_MIRROR = 'https://github.com/tonistiigi/binfmt/releases/download';

/** A tonistiigi/binfmt release: tag `deploy/<qemu version>-<run>`. */
export interface QemuRelease {
  tag: string;
  qemuVersion: string;
  run: string;
}

export function parseQemuRelease(input: string, value: string): QemuRelease {
  const m = /^(?:deploy\/)?(v\d+\.\d+\.\d+)-(\d+)$/.exec(value.trim());
  if (!m) {
    throw new ValidationError(
      input,
      value,
      'a tonistiigi/binfmt release such as v10.2.3-68 or deploy/v10.2.3-68',
    );
  }
  const [, qemuVersion, run] = m as unknown as [string, string, string];
  return { tag: `deploy/${qemuVersion}-${run}`, qemuVersion, run };
}

/** Emulator paths by QEMU arch name. */
export type Emulators = Map<string, string>;

/** qemu-<arch>-static on PATH, as Debian's and Ubuntu's qemu-user-static install them. */
export async function findSystemEmulators(
  arches: readonly QemuArch[],
): Promise<{ found: Emulators; missing: string[] }> {
  const found: Emulators = new Map();
  const missing: string[] = [];
  for (const a of arches) {
    const path = await io.which(`qemu-${a.qemu}-static`, false);
    if (path) found.set(a.qemu, path);
    else missing.push(`qemu-${a.qemu}-static`);
  }
  return { found, missing };
}

/** apt-get installs qemu-user-static (as root, or through sudo). */
export async function installSystemPackage(exec: Exec): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [
    ['apt-get', 'update', '-q'],
    ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'qemu-user-static'],
  ]) {
    const [file, args] = asRoot(argv);
    await exec(file, args, { env });
  }
}

export interface ReleaseOptions {
  release: QemuRelease;
  mirror: string;
  /** A user-given sha256; else the pinned one for the default release. */
  checksum?: string;
  platform?: string;
}

/** The download URL of the emulator archive for this host. */
export function releaseUrl(opts: ReleaseOptions): string {
  const platform = opts.platform ?? releasePlatform();
  const tag = encodeURIComponent(opts.release.tag);
  return `${opts.mirror}/${tag}/qemu_${opts.release.qemuVersion}_${platform}.tar.gz`;
}

function emulatorsIn(dir: string, arches: readonly QemuArch[]): Emulators {
  return new Map(arches.map((a) => [a.qemu, join(dir, `qemu-${a.qemu}`)]));
}

async function missingIn(emulators: Emulators): Promise<string[]> {
  const missing: string[] = [];
  for (const [arch, path] of emulators) if (!(await pathExists(path))) missing.push(`qemu-${arch}`);
  return missing;
}

/**
 * The release archive's emulators, from the tool cache or downloaded, sha256-verified, extracted
 * and cached. The tool dir goes on PATH only once everything checked out.
 */
export async function installRelease(
  arches: readonly QemuArch[],
  opts: ReleaseOptions,
  attrs: Attrs,
): Promise<Emulators> {
  const platform = opts.platform ?? releasePlatform();
  const cacheVersion = `${opts.release.qemuVersion.slice(1)}-${opts.release.run}`;
  const cacheArch = platform.replace(/^linux-/, '');
  attrs.version = opts.release.tag;

  const cached = tc.find(QEMU_TOOL, cacheVersion, cacheArch);
  if (cached) {
    const emulators = emulatorsIn(cached, arches);
    if ((await missingIn(emulators)).length === 0) {
      attrs.cache = 'hit';
      core.addPath(cached);
      return emulators;
    }
  }
  attrs.cache = 'miss';

  const sha256 = opts.checksum ?? pinnedAsset(QEMU_TOOL, opts.release.tag, platform)?.sha256;
  if (!sha256) {
    throw new ValidationError(
      'checksum',
      '',
      'the sha256 of the release archive',
      `no pinned checksum for ${opts.release.tag} on ${platform}, so the download cannot be verified`,
    );
  }
  const url = releaseUrl(opts);
  core.info(`Downloading QEMU emulators from ${url}`);
  const archive = await downloadVerified(url, sha256);
  let extracted: string;
  try {
    extracted = await tc.extractTar(archive);
  } finally {
    await rm(archive, { force: true });
  }
  const missing = await missingIn(emulatorsIn(extracted, arches));
  if (missing.length > 0) {
    await rm(extracted, { recursive: true, force: true });
    throw new UserError(`The archive at ${url} lacks ${missing.join(', ')}`);
  }
  const dir = await tc.cacheDir(extracted, QEMU_TOOL, cacheVersion, cacheArch);
  await rm(extracted, { recursive: true, force: true });
  core.addPath(dir);
  return emulatorsIn(dir, arches);
}
