import { InvalidPlatformError } from './errors.js';

/** An OCI platform: os/architecture[/variant]. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  i686: '386',
};

const KNOWN_OS = new Set([
  'linux',
  'windows',
  'darwin',
  'freebsd',
  'netbsd',
  'openbsd',
  'solaris',
  'illumos',
  'aix',
  'plan9',
  'wasip1',
  'js',
]);
const KNOWN_ARCH = new Set([
  'amd64',
  'arm64',
  'arm',
  '386',
  'riscv64',
  'ppc64le',
  'ppc64',
  's390x',
  'mips64le',
  'mips64',
  'mipsle',
  'mips',
  'loong64',
  'wasm',
]);

/**
 * Normalises as containerd does: arm defaults to v7, arm64/v8 and amd64/v1 drop the variant,
 * aliases (x86_64, aarch64) become Go names.
 */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  architecture = ARCH_ALIASES[architecture] ?? architecture;
  if (architecture === 'arm' && !variant) variant = 'v7';
  if (architecture === 'arm' && p.architecture.toLowerCase() === 'armel' && !p.variant)
    variant = 'v6';
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  const out: Platform = { os, architecture };
  if (variant) out.variant = variant;
  if (p['os.version']) out['os.version'] = p['os.version'];
  if (p['os.features']) out['os.features'] = p['os.features'];
  return out;
}

/** Parses `os/arch[/variant]`; only known os and arch names are accepted. */
export function parsePlatform(value: string): Platform {
  const parts = value.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((s) => s === '')) {
    throw new InvalidPlatformError(
      value,
      'expected os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7',
    );
  }
  const [os = '', architecture = '', variant] = parts;
  const p = normalizePlatform({ os, architecture, ...(variant ? { variant } : {}) });
  if (!KNOWN_OS.has(p.os))
    throw new InvalidPlatformError(value, `unknown os ${JSON.stringify(p.os)}`);
  if (!KNOWN_ARCH.has(p.architecture)) {
    throw new InvalidPlatformError(
      value,
      `unknown architecture ${JSON.stringify(p.architecture)} (one of ${[...KNOWN_ARCH].join(', ')})`,
    );
  }
  if (p.variant && !/^v\d+$/.test(p.variant))
    throw new InvalidPlatformError(value, `unknown variant ${JSON.stringify(p.variant)}`);
  return p;
}

export function formatPlatform(p: Platform): string {
  const n = normalizePlatform(p);
  return [n.os, n.architecture, n.variant].filter(Boolean).join('/');
}

/** Whether two platforms name the same thing once normalised. */
export function platformsMatch(a: Platform, b: Platform): boolean {
  return formatPlatform(a) === formatPlatform(b);
}

/** The `unknown/unknown` platform BuildKit gives attestation manifests. */
export function isUnknownPlatform(p: Platform | undefined): boolean {
  return p?.os === 'unknown' && p.architecture === 'unknown';
}

/** Node's process.arch as an image architecture (and variant). */
const NODE_ARCH: Record<string, Pick<Platform, 'architecture' | 'variant'>> = {
  x64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64' },
  arm: { architecture: 'arm', variant: 'v7' },
  ia32: { architecture: '386' },
  ppc64: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
};

/** The Linux platform of the machine we run on (where a local BuildKit builds: $BUILDPLATFORM). */
export function hostPlatform(nodeArch: string = process.arch): Platform {
  const arch = NODE_ARCH[nodeArch] ?? { architecture: nodeArch };
  return {
    os: 'linux',
    architecture: arch.architecture,
    ...(arch.variant ? { variant: arch.variant } : {}),
  };
}
