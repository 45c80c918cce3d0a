import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { UserError, ValidationError } from './errors.js';
import { isLoopbackHost } from './net.js';
import { redactUrl } from './redact.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class ChecksumError extends UserError {}

const SHA256 = /^[a-f0-9]{64}$/;

export function normaliseSha256(input: string, value: string): string {
  const v = value
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');
  if (!SHA256.test(v))
    throw new ValidationError(
      input,
      value,
      'a sha256 digest: 64 hex characters, optionally prefixed "sha256:"',
    );
  return v;
}

/**
 * Downloads url (with @actions/tool-cache's retries on temporary failures) and checks its sha256.
 * On a mismatch the file is deleted before the error is thrown, so nothing unverified is left.
 */
export async function downloadVerified(
  url: string,
  sha256: string,
  auth?: string,
): Promise<string> {
  let file: string;
  try {
    file = await (await import('@actions/tool-cache')).downloadTool(url, undefined, auth);
  } catch (err) {
    const status = (err as { httpStatusCode?: number }).httpStatusCode;
    throw new UserError(
      `Download failed: GET ${redactUrl(url)}${status ? ` answered ${status}` : `: ${(err as Error).message}`}`,
    );
  }
  const actual = await sha256File(file);
  if (actual !== sha256) {
    await rm(file, { force: true });
    throw new ChecksumError(
      `Checksum mismatch for ${redactUrl(url)}: expected sha256 ${sha256}, got ${actual}; nothing was installed`,
    );
  }
  return file;
}

/**
 * A mirror base URL: https, or plain http only for a loopback host (as Docker treats
 * loopback registries). Returned without a trailing slash.
 */
export function parseMirror(input: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ValidationError(input, value, 'an absolute https:// URL');
  }
  const ok = u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
  if (!ok) {
    throw new ValidationError(
      input,
      value,
      'an https:// URL (plain http only for a loopback host)',
    );
  }
  return value.replace(/\/+$/, '');
}
