import { open, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Descriptor } from '../../oci/descriptor.js';
import { buildIndex } from '../../oci/index.js';
import { descriptorOf } from '../../oci/manifest.js';
import { Annotation, MediaType } from '../../oci/mediatypes.js';
import { formatPlatform, type Platform } from '../../oci/platform.js';
import { formatReference } from '../../oci/reference.js';
import { blobToPush, type BlobToPush } from '../../publish/publish.js';
import { mapLimit } from '../../runtime/concurrency.js';
import type { Exec } from '../../runtime/exec.js';
import type { Timeline } from '../../runtime/timeline.js';
import { STATIC_BASE_FILES, type BaseImage } from '../base.js';
import type { BuildResult, PlatformImage } from '../builder.js';
import { assembleImage } from '../image.js';
import { writeLayer, type BuiltLayer, type LayerEntry } from '../layer.js';
import { binaryName, checkMainPackage, compileGo, goVersion, MAIN_ACCEPTED } from './compile.js';
import { ValidationError } from '../../runtime/errors.js';

export const GO_VERSION_ANNOTATION = 'dev.gantry.go.version';

export interface GoBuildOptions {
  exec: Exec;
  go: string;
  /** The module directory. */
  context: string;
  main: string;
  platforms: Platform[];
  base: BaseImage;
  ldflags: string[];
  /** Environment of the image. */
  env: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Image creation time (from the commit or SOURCE_DATE_EPOCH): also every file's mtime. */
  epoch: number;
  version: string;
  revision: string;
  user: string;
  /** A directory copied into the image as its own layer, at `staticPath`. */
  staticDir?: string;
  staticPath?: string;
  workDir: string;
  timeline: Timeline;
  /** Called as each layer is written, so uploads can start while other platforms compile. */
  onBlob?: (blob: BlobToPush) => void;
}

async function walk(dir: string, into: string): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const visit = async (d: string) => {
    for (const name of (await readdir(d)).sort()) {
      const full = join(d, name);
      const s = await stat(full);
      const path = join(into, relative(dir, full));
      if (s.isDirectory()) {
        entries.push({ path, type: 'dir', mode: 0o755 });
        await visit(full);
      } else if (s.isFile()) {
        entries.push({
          path,
          type: 'file',
          mode: s.mode & 0o111 ? 0o755 : 0o644,
          file: full,
          size: s.size,
        });
      }
    }
  };
  await visit(dir);
  return entries;
}

/**
 * The Go-native builder: `go build` per platform on this machine (no emulation, no daemon),
 * each binary a reproducible layer on the base; the base's layers are referenced, never rebuilt.
 */
/** `go build -o` of a non-main package writes an `!<arch>` archive instead of a program. */
async function isArchive(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8);
    await fh.read(buf, 0, 8, 0);
    return buf.toString('latin1') === '!<arch>\n';
  } finally {
    await fh.close();
  }
}

export async function buildGo(o: GoBuildOptions): Promise<BuildResult> {
  const created = new Date(o.epoch * 1000).toISOString();
  const name = binaryName(o.context, o.main);
  // Beside the compiles, off the critical path. `main` is checked only when a build fails or
  // yields no executable: a `go list` up front would compete with the compiles for the cores.
  const checked = o.timeline.phase('go-version', async (attrs) => {
    const goVer = await goVersion(o.exec, o.go);
    Object.assign(attrs, { main: o.main, binary: name, go: goVer });
    return goVer;
  });
  checked.catch(() => undefined);
  // The binary's layer carries the commit time; layers whose content does not follow the commit
  // (the built-in base, static files) use a fixed time so they stay byte-identical across commits.
  const layerOpts = { mtime: o.epoch, mediaType: MediaType.ociLayerTarGzip };
  const steadyOpts = { mtime: 0, mediaType: MediaType.ociLayerTarGzip };
  const shared: { layer: BuiltLayer; createdBy: string }[] = [];
  if (o.base.kind === 'static') {
    const layer = await writeLayer(
      [
        {
          path: '/etc/passwd',
          type: 'file',
          mode: 0o644,
          content: Buffer.from(STATIC_BASE_FILES.passwd),
        },
        {
          path: '/etc/group',
          type: 'file',
          mode: 0o644,
          content: Buffer.from(STATIC_BASE_FILES.group),
        },
        {
          path: '/etc/nsswitch.conf',
          type: 'file',
          mode: 0o644,
          content: Buffer.from(STATIC_BASE_FILES.nsswitch),
        },
        { path: '/tmp', type: 'dir', mode: 0o1777 },
        { path: '/home/nonroot', type: 'dir', mode: 0o755 },
      ],
      join(o.workDir, 'static-base.tar.gz'),
      steadyOpts,
    );
    shared.push({ layer, createdBy: 'gantry static base: nonroot user, /tmp' });
  }
  if (o.staticDir) {
    const layer = await writeLayer(
      await walk(o.staticDir, o.staticPath ?? '/static'),
      join(o.workDir, 'static-files.tar.gz'),
      steadyOpts,
    );
    shared.push({ layer, createdBy: `gantry static files ${o.staticPath ?? '/static'}` });
  }

  for (const l of shared) o.onBlob?.({ descriptor: l.layer.descriptor, source: l.layer.source });

  const binaryPath = `/usr/local/bin/${name}`;
  const ldflags = [
    '-s',
    '-w',
    `-X main.version=${o.version}`,
    `-X main.commit=${o.revision}`,
    ...o.ldflags,
  ];
  const concurrency = Math.min(availableParallelism(), o.platforms.length);
  const building = mapLimit(o.platforms, concurrency, async (platform): Promise<PlatformImage> => {
    const key = formatPlatform(platform);
    const slug = key.replace(/\//g, '-');
    const binary = join(o.workDir, slug, name);
    const appLayer = await o.timeline.phase(`build ${key}`, async (attrs) => {
      try {
        await compileGo(o.exec, o.go, {
          dir: o.context,
          main: o.main,
          platform,
          out: binary,
          ldflags,
        });
      } catch (err) {
        // a main that is not a main package (or not a package) says so as an input error
        await checkMainPackage(o.exec, o.go, o.context, o.main);
        throw err;
      }
      if (await isArchive(binary)) {
        await checkMainPackage(o.exec, o.go, o.context, o.main);
        throw new ValidationError(
          'main',
          o.main,
          MAIN_ACCEPTED,
          'go build wrote a package archive, not a program',
        );
      }
      const size = (await stat(binary)).size;
      const layer = await writeLayer(
        [{ path: binaryPath, type: 'file', mode: 0o755, file: binary, size }],
        join(o.workDir, `${slug}.tar.gz`),
        layerOpts,
      );
      Object.assign(attrs, { platform: key, binaryBytes: size, layerBytes: layer.descriptor.size });
      return layer;
    });
    o.onBlob?.({ descriptor: appLayer.descriptor, source: appLayer.source });
    const goVer = await checked;
    const base = o.base.perPlatform.get(key)!;
    const annotations: Record<string, string> = {
      [Annotation.created]: created,
      [GO_VERSION_ANNOTATION]: goVer,
    };
    if (o.base.reference && base.manifestDigest) {
      annotations[Annotation.baseName] = formatReference(o.base.reference);
      annotations[Annotation.baseDigest] = base.manifestDigest;
    }
    const own = [
      ...shared,
      { layer: appLayer, createdBy: `go build ${o.main} (${goVer}, ${key})` },
    ];
    const { config, manifest } = assembleImage({
      platform,
      base,
      layers: own.map((l) => ({
        descriptor: l.layer.descriptor,
        diffId: l.layer.diffId,
        createdBy: l.createdBy,
      })),
      created,
      entrypoint: [binaryPath],
      user: o.user,
      env: o.env,
      labels: o.labels,
      annotations,
    });
    const baseBlobs: BlobToPush[] = base.layers.map((d: Descriptor) => ({
      descriptor: d,
      source: o.base.client!.openBlob(o.base.reference!.repository, d.digest),
      mountFrom: [o.base.reference!.repository],
      mountRegistry: o.base.reference!.registry,
    }));
    return {
      platform,
      config,
      manifest,
      descriptor: descriptorOf(manifest, { platform }),
      blobs: [
        ...baseBlobs,
        ...own.map((l) => ({ descriptor: l.layer.descriptor, source: l.layer.source })),
        blobToPush(config),
      ],
    };
  });
  const [check, built] = await Promise.allSettled([checked, building]);
  if (check.status === 'rejected') throw check.reason;
  if (built.status === 'rejected') throw built.reason;
  const images = built.value;
  const indexAnnotations: Record<string, string> = {
    ...o.annotations,
    [Annotation.created]: created,
  };
  if (o.base.reference && o.base.digest) {
    indexAnnotations[Annotation.baseName] = formatReference(o.base.reference);
    indexAnnotations[Annotation.baseDigest] = o.base.digest;
  }
  const { blob } = buildIndex(
    images.map((i) => i.descriptor),
    { annotations: indexAnnotations },
  );
  return { images, index: blob };
}
