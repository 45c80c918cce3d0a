import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '../runtime/core.js';
import { downloadVerified } from '../runtime/download.js';
import { UserError, ValidationError } from '../runtime/errors.js';
import { pathExists } from '../runtime/fs.js';
import { redactUrl } from '../runtime/redact.js';
import type { Attrs } from '../runtime/timeline.js';
import { pinnedAsset, releasePlatform } from './pinned.js';
import type { ToolSpec } from './spec.js';

export const DEFAULT_MIRROR = 'https://github.com';

export interface InstallOptions {
  /** A release tag, or `latest`. */
  version: string;
  /** Base URL serving `<owner>/<repo>/releases/…` as github.com does. */
  mirror: string;
  /** REST API base, for `latest` with a token. */
  apiUrl?: string;
  token?: string;
  /** sha256 given by the user, for versions without a pinned value or checksum file. */
  checksum?: string;
  /** Install without any checksum at all: only when the user says so. */
  allowUnverified?: boolean;
  platform?: string;
  /** Input names, for error messages. */
  inputs?: { version?: string; checksum?: string; allowUnverified?: string };
}

export interface Installed {
  dir: string;
  tag: string;
  binaries: string[];
  cacheHit: boolean;
}

/** `latest`: the API with a token; otherwise the releases/latest redirect (no unauthenticated API calls). */
export async function resolveLatest(spec: ToolSpec, opts: InstallOptions): Promise<string> {
  const { HttpClient } = await import('@actions/http-client');
  const http = new HttpClient('gantry', undefined, { allowRedirects: false });
  try {
    if (opts.token) {
      const url = `${opts.apiUrl ?? 'https://api.github.com'}/repos/${spec.repo}/releases/latest`;
      const res = await http.getJson<{ tag_name?: string }>(url, {
        Authorization: `Bearer ${opts.token}`,
        Accept: 'application/vnd.github+json',
      });
      if (res.result?.tag_name) return res.result.tag_name;
      throw new UserError(`GET ${redactUrl(url)}: no tag_name for the latest ${spec.name} release`);
    }
    const url = `${opts.mirror}/${spec.repo}/releases/latest`;
    const res = await http.get(url);
    await res.readBody();
    const location = res.message.headers.location;
    const tag = location ? decodeURIComponent(location.split('/releases/tag/')[1] ?? '') : '';
    if (!tag)
      throw new UserError(
        `GET ${redactUrl(url)} answered ${res.message.statusCode} without a release tag to follow`,
      );
    return tag;
  } finally {
    http.dispose();
  }
}

/**
 * The sha256 a checksum file gives `asset`: only a line that names it counts — a bare hash could
 * be any file's, and would make a swapped asset and its swapped checksum agree.
 */
export function sha256From(text: string, asset: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^([a-f0-9]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
    if (m && (m[2] === asset || m[2]!.endsWith(`/${asset}`))) return m[1]!.toLowerCase();
  }
  return undefined;
}

/**
 * The one installer: resolve the version, find the expected sha256 (user input, the pinned
 * manifest, or the release's own checksum file — else refuse unless explicitly allowed),
 * download with retries, verify, extract, cache by version and arch, and only then put it on
 * PATH. A failed check leaves nothing in the tool cache or on PATH.
 */
export async function installTool(
  spec: ToolSpec,
  opts: InstallOptions,
  attrs: Attrs = {},
): Promise<Installed> {
  const platform = opts.platform ?? releasePlatform();
  const tag = opts.version === 'latest' ? await resolveLatest(spec, opts) : opts.version;
  if (spec.tag(tag) !== tag)
    throw new ValidationError(
      opts.inputs?.version ?? 'version',
      tag,
      spec.versionHelp,
      'the latest release is not one gantry installs',
    );
  const arch = platform.replace(/^linux-/, '');
  const cacheVersion = spec.cacheVersion(tag);
  attrs.tool = spec.name;
  attrs.version = tag;
  const asset = spec.asset(tag, platform);
  if (!asset) throw new UserError(`${spec.name} publishes no release for ${platform}`);
  const binaries = spec.binaries(tag);
  const pathDir = (dir: string) => (spec.binDir ? join(dir, spec.binDir) : dir);

  const tc = await import('@actions/tool-cache');
  const cached = tc.find(spec.name, cacheVersion, arch);
  if (
    cached &&
    (await Promise.all(binaries.map((b) => pathExists(join(cached, b))))).every(Boolean)
  ) {
    attrs.cache = 'hit';
    core.addPath(pathDir(cached));
    return { dir: cached, tag, binaries: binaries.map((b) => join(cached, b)), cacheHit: true };
  }
  attrs.cache = 'miss';

  const base = `${opts.mirror}/${spec.repo}/releases/download/${encodeURIComponent(tag)}`;
  let sha256 = opts.checksum ?? pinnedAsset(spec.name, tag, platform)?.sha256;
  attrs.verified = opts.checksum ? 'input' : sha256 ? 'pinned' : 'release-checksums';
  if (!sha256 && spec.checksumFile) {
    const file = spec.checksumFile(tag, asset);
    const sums = await downloadText(`${base}/${encodeURIComponent(file)}`);
    if (sums !== undefined) {
      sha256 = sha256From(sums, asset);
      if (!sha256) throw new UserError(`${file} of ${spec.name} ${tag} has no sha256 for ${asset}`);
      core.warning(
        `${spec.name} ${tag} has no pinned sha256: it is checked only against ${file}, from the same place as the download; pin it with ${opts.inputs?.checksum ?? 'checksum'} or use the default version`,
      );
    }
  }
  if (!sha256) {
    if (!opts.allowUnverified) {
      throw new ValidationError(
        opts.inputs?.checksum ?? 'checksum',
        '',
        'the sha256 of the release asset',
        `${spec.name} ${tag} has no pinned checksum and no checksum file for ${platform}` +
          (opts.inputs?.allowUnverified
            ? ` (${opts.inputs.allowUnverified}: true installs it anyway)`
            : ''),
      );
    }
    attrs.verified = 'NOT VERIFIED';
    core.warning(`${spec.name} ${tag} is installed without a checksum, as asked`);
  }

  const url = `${base}/${encodeURIComponent(asset)}`;
  core.info(`Downloading ${spec.name} ${tag} from ${redactUrl(url)}`);
  const file = sha256 ? await downloadVerified(url, sha256) : await tc.downloadTool(url);
  let extracted: string;
  try {
    if (spec.archive === 'tar.gz') {
      extracted = await tc.extractTar(file);
    } else {
      extracted = join(process.env.RUNNER_TEMP || '/tmp', `gantry-${spec.name}-${Date.now()}`);
      await mkdir(extracted, { recursive: true });
      await copyFile(file, join(extracted, binaries[0]!));
      await chmod(join(extracted, binaries[0]!), 0o755);
    }
  } finally {
    await rm(file, { force: true });
  }
  const missing = [];
  for (const b of binaries) if (!(await pathExists(join(extracted, b)))) missing.push(b);
  if (missing.length) {
    await rm(extracted, { recursive: true, force: true });
    throw new UserError(`${asset} lacks ${missing.join(', ')}`);
  }
  const dir = await tc.cacheDir(extracted, spec.name, cacheVersion, arch);
  await rm(extracted, { recursive: true, force: true });
  core.addPath(pathDir(dir));
  return { dir, tag, binaries: binaries.map((b) => join(dir, b)), cacheHit: false };
}

/** A small text file, or undefined when the release has none (404). */
async function downloadText(url: string): Promise<string | undefined> {
  const { HttpClient } = await import('@actions/http-client');
  const http = new HttpClient('gantry');
  try {
    const res = await http.get(url);
    const body = await res.readBody();
    if (res.message.statusCode === 404) return undefined;
    if (res.message.statusCode !== 200)
      throw new UserError(`GET ${redactUrl(url)} answered ${res.message.statusCode}`);
    return body;
  } finally {
    http.dispose();
  }
}
