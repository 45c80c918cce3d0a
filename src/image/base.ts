import type { Descriptor } from '../oci/descriptor.js';
import type { Digest } from '../oci/digest.js';
import { InvalidReferenceError } from '../oci/errors.js';
import type { ImageConfig } from '../oci/manifest.js';
import { MediaType } from '../oci/mediatypes.js';
import { formatPlatform, platformsMatch, type Platform } from '../oci/platform.js';
import { formatReference, parseReference, type Reference } from '../oci/reference.js';
import type { RegistryClient } from '../oci/registry/client.js';
import { listed, readManifest, readTop, registryStore } from '../oci/read.js';
import { platformImages } from '../oci/index.js';
import { ValidationError } from '../runtime/errors.js';

/** The base under one platform's image: its layers, config and where they can be read. */
export interface PlatformBase {
  platform: Platform;
  /** Docker v2 or OCI: the built image follows its base. */
  manifestMediaType: string;
  manifestDigest?: Digest;
  config?: ImageConfig;
  layers: Descriptor[];
}

export interface BaseImage {
  /** `scratch`, `static` (built in), or a registry reference. */
  kind: 'scratch' | 'static' | 'registry';
  reference?: Reference;
  /** The digest the base resolved to (index or manifest), for the base.digest annotation. */
  digest?: Digest;
  client?: RegistryClient;
  perPlatform: Map<string, PlatformBase>;
}

export const BASE_ACCEPTED =
  'static (built in: nonroot user, /tmp, CA roots, time zones), scratch, or an image reference in a registry';

/** The static base's Go build tags live with the go command's facts (affected reads them too). */
export { STATIC_BASE_BUILD_TAGS } from '../tools/go/compile.js';

function emptyBase(kind: 'scratch' | 'static', platforms: readonly Platform[]): BaseImage {
  return {
    kind,
    perPlatform: new Map(
      platforms.map((p) => [
        formatPlatform(p),
        { platform: p, manifestMediaType: MediaType.ociManifest, layers: [] },
      ]),
    ),
  };
}

/**
 * Resolves the base for every requested platform before anything is built or pushed: a base
 * that does not exist, or lacks a platform, is a ValidationError naming the input.
 */
export async function resolveBase(
  input: string,
  value: string,
  platforms: readonly Platform[],
  clientFor: (registry: string) => RegistryClient,
): Promise<BaseImage> {
  if (value === 'scratch' || value === 'static') return emptyBase(value, platforms);
  let ref: Reference;
  try {
    ref = parseReference(value, { defaultTag: 'latest' });
  } catch (err) {
    if (err instanceof InvalidReferenceError)
      throw new ValidationError(input, value, BASE_ACCEPTED, err.reason);
    throw err;
  }
  const client = clientFor(ref.registry);
  const store = registryStore(client, ref.repository);
  const image = await readTop(store, ref.digest ?? ref.tag ?? 'latest');
  if (!image)
    throw new ValidationError(
      input,
      value,
      BASE_ACCEPTED,
      `${formatReference(ref)} does not exist`,
    );
  const { top } = image;
  const perPlatform = new Map<string, PlatformBase>();
  const available = image.index ? platformImages(image.index.manifests) : [];
  // a bare manifest is the one platform its config names
  const single = image.index ? undefined : await readManifest(store, image, listed(image)[0]!);
  for (const p of platforms) {
    const match = single ?? available.find((d) => platformsMatch(d.platform!, p));
    if (!match)
      throw new ValidationError(
        input,
        value,
        BASE_ACCEPTED,
        `the base has no ${formatPlatform(p)} image (it has ${available.map((d) => formatPlatform(d.platform!)).join(', ') || 'none'})`,
      );
    const m = single ?? (await readManifest(store, image, match as Descriptor, { config: true }));
    if (!platformsMatch(m.descriptor.platform!, p))
      throw new ValidationError(
        input,
        value,
        BASE_ACCEPTED,
        `the base is a single ${formatPlatform(m.descriptor.platform!)} image, not ${formatPlatform(p)}`,
      );
    perPlatform.set(formatPlatform(p), {
      platform: p,
      manifestMediaType: m.blob.mediaType,
      manifestDigest: m.descriptor.digest,
      ...(m.config ? { config: m.config } : {}),
      layers: m.manifest.layers,
    });
  }
  return { kind: 'registry', reference: ref, digest: top.digest, client, perPlatform };
}

/**
 * The files of the built-in `static` base: a nonroot user (65532, as distroless), /tmp, nsswitch;
 * the CA roots (src/image/static-base/ca-roots.generated.ts) are added beside them.
 */
export const STATIC_BASE_FILES = {
  passwd:
    'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
  group: 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n',
  nsswitch: 'hosts: files dns\n',
};
