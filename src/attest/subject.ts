import { createHash } from 'node:crypto';
import type { BuildInfo, BuildInfoModule } from '../tools/go/buildinfo.js';
import type { Digest } from '../oci/digest.js';

/** One platform image and what went into it: what an SBOM and a provenance statement describe. */
export interface AttestedImage {
  /** registry/repository of the image (the first of `images`), or the layout's name. */
  name: string;
  platform: string;
  /** The platform manifest's digest: the artifacts' subject. */
  digest: Digest;
  /** The image's time (the commit's): the only time in the documents. */
  created: string;
  buildInfo: BuildInfo;
  /** The final base for this platform, when a registry image. */
  base?: { name: string; digest: Digest };
  /** The commit built. */
  revision: string;
}

/** RFC 3339 without fractions, as SPDX's `created` wants it. */
export function timestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/** The module actually compiled in: a replacement when there is one. */
export function compiled(m: BuildInfoModule): BuildInfoModule {
  return m.replace ?? m;
}

/** A Go module's package URL (purl spec, type golang). */
export function goPurl(m: BuildInfoModule): string {
  const path = m.path.split('/').map(encodeURIComponent).join('/');
  return m.version && m.version !== '(devel)'
    ? `pkg:golang/${path}@${encodeURIComponent(m.version)}`
    : `pkg:golang/${path}`;
}

/** The Go toolchain's standard library, as SBOM tools name it. */
export function stdlibPurl(goVersion: string): string {
  return `pkg:golang/stdlib@${encodeURIComponent(goVersion.replace(/^go/, 'v'))}`;
}

/** An OCI image's package URL: pkg:oci/<name>@<digest>?repository_url=…&arch=…. */
export function ociPurl(reference: string, digest: Digest, arch?: string): string {
  const repo = reference.replace(/[:@][^/]*$/, '');
  const name = repo.split('/').pop()!;
  const q = [`repository_url=${encodeURIComponent(repo)}`, ...(arch ? [`arch=${arch}`] : [])];
  return `pkg:oci/${name}@${encodeURIComponent(digest)}?${q.join('&')}`;
}

/** Go's h1: checksum (base64 SHA-256 of the module's file hashes) as hex. */
export function h1Hex(sum: string | undefined): string | undefined {
  const m = /^h1:([A-Za-z0-9+/]{43}=)$/.exec(sum ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('hex') : undefined;
}

/** A version-5-shaped UUID from a digest and a purpose: one image, one document id, every time. */
export function uuidFrom(digest: Digest, purpose: string): string {
  const h = createHash('sha256').update(`${purpose}\n${digest}`).digest('hex').slice(0, 32);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const u = `${h.slice(0, 12)}5${h.slice(13, 16)}${variant}${h.slice(17)}`;
  return `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20, 32)}`;
}
