import { ValidationError } from '../../runtime/errors.js';

/** Where buildctl looks for BuildKit when BUILDKIT_HOST is not set. */
export const DEFAULT_BUILDKIT_SOCKET = '/run/buildkit/buildkitd.sock';

const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/;

export function checkRegistryHost(input: string, value: string): string {
  if (!HOST.test(value))
    throw new ValidationError(
      input,
      value,
      'registry hosts such as registry.local:5000 (no scheme, no path)',
    );
  return value;
}

/**
 * buildkitd.toml from inputs: insecure registries (plain HTTP allowed, TLS unverified), mirrors for
 * docker.io (host names, as BuildKit expects), then the user's raw config appended as is.
 */
export function buildkitdToml(opts: {
  insecureRegistries: readonly string[];
  mirrors: readonly string[];
  raw: string;
}): string {
  const q = (s: string) => JSON.stringify(s);
  const parts: string[] = ['# written by gantry setup-buildkit'];
  if (opts.mirrors.length)
    parts.push('[registry."docker.io"]', `  mirrors = [${opts.mirrors.map(q).join(', ')}]`, '');
  for (const host of opts.insecureRegistries)
    parts.push(`[registry.${q(host)}]`, '  http = true', '  insecure = true', '');
  if (opts.raw.trim()) parts.push(opts.raw.trim(), '');
  return parts.join('\n') + '\n';
}

export interface WorkerInfo {
  platforms: string[];
}

/** Platforms of `buildctl debug workers --format '{{json .}}'` output (one JSON array, or JSON lines). */
export function parseWorkers(stdout: string): WorkerInfo[] {
  const text = stdout.trim();
  if (!text) return [];
  const values: unknown[] = text.startsWith('[')
    ? (JSON.parse(text) as unknown[])
    : text.split('\n').map((l) => JSON.parse(l) as unknown);
  return values.map((w) => {
    const platforms = (
      (w as { platforms?: { os?: string; architecture?: string; variant?: string }[] }).platforms ??
      []
    ).map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
    return { platforms };
  });
}

/** buildctl's connection flags for an endpoint: unix:// as is, tcp:// with mTLS files. */
export function connectionArgs(
  endpoint: string,
  tls?: { ca: string; cert: string; key: string },
): string[] {
  return [
    '--addr',
    endpoint,
    ...(tls ? ['--tlscacert', tls.ca, '--tlscert', tls.cert, '--tlskey', tls.key] : []),
  ];
}
