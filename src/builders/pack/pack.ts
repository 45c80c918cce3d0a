import { indexOver } from '../../oci/index.js';
import { formatPlatform } from '../../oci/platform.js';
import { blobsToCopy, readImage, registryStore } from '../../oci/read.js';
import { execFile, type Exec } from '../../runtime/exec.js';
import type { Builder, BuildRequest, BuiltImage, PlatformImage } from '../builder.js';
import { runTool } from '../tool.js';
import { packBuildArgs, platformTag } from './argv.js';

/** The pack builder's own choices (the rest comes with each request). */
export interface PackOptions {
  /** The buildpacks builder image ('' for pack's default). */
  builder: string;
  trustBuilder: boolean;
  /** The tag each platform's image is published under, as `<tag>-<os>-<arch>`. */
  tag: string;
  exec?: Exec;
}

/**
 * builder: pack — `pack build --publish` once per platform (to `<tag>-<os>-<arch>` of the one
 * destination: pack publishes nothing by digest), read back, and the index over them. It moves
 * no tag of the image's own; publish does.
 */
export class PackBuilder implements Builder {
  readonly name = 'pack';
  constructor(private readonly o: PackOptions) {}

  async build(r: BuildRequest): Promise<BuiltImage> {
    const exec = this.o.exec ?? execFile;
    const dest = r.destinations[0];
    if (!dest || r.destinations.length > 1)
      throw new Error('builder: pack publishes to exactly one repository');
    const store = registryStore(r.clientFor(dest.registry), dest.repository);
    const images: PlatformImage[] = [];
    for (const platform of r.platforms) {
      const tag = platformTag(this.o.tag, platform);
      await r.timeline.phase(`build ${formatPlatform(platform)}`, async (attrs) => {
        attrs.builder = 'pack';
        await runTool(
          exec,
          'pack',
          packBuildArgs({
            image: `${dest.registry}/${dest.repository}:${tag}`,
            path: r.context,
            platform,
            ...(this.o.builder ? { builder: this.o.builder } : {}),
            env: r.env,
            trustBuilder: this.o.trustBuilder,
          }),
          'setup-pack',
          { signal: r.signal },
        );
      });
      const read = await readImage(store, tag, { all: true });
      if (!read) throw new Error(`${store.name}:${tag}, which pack published, is not there`);
      for (const m of read.manifests)
        images.push({
          platform: m.descriptor.platform!,
          descriptor: m.descriptor,
          manifest: m.blob,
          blobs: blobsToCopy(store, m),
        });
    }
    const { blob } = indexOver(
      images.map((i) => i.descriptor),
      r.annotations,
    );
    return { images, index: blob };
  }
}
