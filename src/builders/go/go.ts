import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Descriptor } from '../../oci/descriptor.js';
import { buildIndex } from '../../oci/index.js';
import { descriptorOf } from '../../oci/manifest.js';
import { Annotation } from '../../oci/mediatypes.js';
import { formatPlatform, type Platform } from '../../oci/platform.js';
import { formatReference } from '../../oci/reference.js';
import { blobToPush, type BlobToPush } from '../../oci/blob.js';
import { mapLimit } from '../../runtime/concurrency.js';
import { execFile, sayingWhenMissing, type Exec } from '../../runtime/exec.js';
import {
  resolveBase,
  STATIC_BASE_BUILD_TAGS,
  STATIC_BASE_FILES,
  type BaseImage,
} from '../../image/base.js';
import type { Builder, BuildRequest, BuiltImage, PlatformImage } from '../builder.js';
import { assembleImage, refuseDockerBase } from '../../image/assemble.js';
import { treeEntries } from '../../image/tree.js';
import { writeLayer, type BuiltLayer, type LayerEntry } from '../../image/layer.js';
import type { CompressionOptions } from '../../image/compress.js';
import { mergeBuildInfo, readBuildInfo, type BuildInfo } from '../../tools/go/buildinfo.js';
import {
  binaryName,
  checkMainPackage,
  compileGo,
  goMissing,
  goVersion,
  MAIN_ACCEPTED,
} from '../../tools/go/compile.js';
import { ValidationError } from '../../runtime/errors.js';
import { workspaceRoot } from '../../runtime/workspace.js';

import { GO_VERSION_ANNOTATION } from '../../image/annotations.js';

/** What the image needs beyond the binaries: resolved while they compile. */
interface ImagePlan {
  base: BaseImage;
  shared: { layer: BuiltLayer; createdBy: string }[];
}

/** The go builder's own choices (the rest comes with each request). */
export interface GoBuilderOptions {
  /** Default: the go on PATH (or $GANTRY_GO), a missing one named with the setup step to add. */
  exec?: Exec;
  go?: string;
  /** The main package, relative to the module. */
  main: string;
  ldflags: string[];
  version: string;
  revision: string;
  /** `static`, `scratch` or an image reference, as the `base` input gave it. */
  base: string;
  user: string;
  /** The program's path in the image, also the entrypoint ('' or unset: /usr/local/bin/<name>). */
  binary?: string;
  /**
   * More main packages of the module built into the same layer (a health probe beside the
   * server), each at `path` ('' or unset: /usr/local/bin/<name>).
   */
  companions?: { main: string; path?: string }[];
  /** `<port>/<proto>` the image exposes; its working directory; its Cmd. */
  expose?: string[];
  workdir?: string;
  cmd?: string[];
  /** A directory copied into the image as its own layer, at `staticPath`. */
  staticDir?: string;
  staticPath?: string;
}

type Options = GoBuilderOptions & BuildRequest & { exec: Exec; go: string };

/**
 * The Go-native builder: `go build` per platform on this machine (no emulation, no daemon),
 * each binary a reproducible layer on the base; the base's layers are referenced, never rebuilt.
 */
export class GoBuilder implements Builder {
  readonly name = 'go';
  constructor(private readonly options: GoBuilderOptions) {}
  build(request: BuildRequest): Promise<BuiltImage> {
    const go = this.options.go ?? (process.env.GANTRY_GO || 'go');
    const exec = this.options.exec ?? sayingWhenMissing(execFile, go, goMissing('build-push'));
    return buildGo({ ...this.options, ...request, go, exec });
  }
}

/**
 * The base, resolved once the compiles are on their way (a registry round trip never delays
 * them), and the layers every platform shares.
 */
async function planImage(o: Options, compression: CompressionOptions): Promise<ImagePlan> {
  const base = await o.timeline.phase('base', async (attrs) => {
    const b = await resolveBase('base', o.base, o.platforms, o.clientFor);
    Object.assign(attrs, { base: o.base, ...(b.digest ? { digest: b.digest } : {}) });
    return b;
  });
  if (compression.compression === 'zstd') refuseDockerBase('compression', 'zstd', o.base, base);
  return { base, shared: await sharedLayers(o, base, compression) };
}

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

/** The layers every platform shares: the built-in base's files, the static-files directory. */
async function sharedLayers(
  o: Options,
  base: BaseImage,
  compression: CompressionOptions,
): Promise<{ layer: BuiltLayer; createdBy: string }[]> {
  // their content does not follow the commit: a fixed time keeps them byte-identical across commits
  const steadyOpts = { mtime: 0, compression };
  const shared: { layer: BuiltLayer; createdBy: string }[] = [];
  if (base.kind === 'static') {
    // 220 KB of certificates: a chunk of its own, read only when the static base is used
    const { CA_ROOTS, CA_ROOTS_SOURCE } =
      await import('../../image/static-base/ca-roots.generated.js');
    const file = (path: string, content: string): LayerEntry => ({
      path,
      type: 'file',
      mode: 0o644,
      content: Buffer.from(content),
    });
    const layer = await writeLayer(
      [
        file('/etc/passwd', STATIC_BASE_FILES.passwd),
        file('/etc/group', STATIC_BASE_FILES.group),
        file('/etc/nsswitch.conf', STATIC_BASE_FILES.nsswitch),
        { path: '/etc/ssl', type: 'dir', mode: 0o755 },
        { path: '/etc/ssl/certs', type: 'dir', mode: 0o755 },
        file('/etc/ssl/certs/ca-certificates.crt', CA_ROOTS),
        { path: '/tmp', type: 'dir', mode: 0o1777 },
        { path: '/home/nonroot', type: 'dir', mode: 0o755 },
      ],
      join(o.workDir, 'static-base.tar.gz'),
      steadyOpts,
    );
    shared.push({
      layer,
      createdBy: `gantry static base: nonroot user, /tmp, CA roots (${CA_ROOTS_SOURCE})`,
    });
  }
  if (o.staticDir) {
    const layer = await writeLayer(
      await treeEntries(
        { name: 'static-dir', given: relative(workspaceRoot(), o.staticDir) || '.' },
        o.staticDir,
        o.staticPath ?? '/static',
      ),
      join(o.workDir, 'static-files.tar.gz'),
      steadyOpts,
    );
    shared.push({ layer, createdBy: `gantry static files ${o.staticPath ?? '/static'}` });
  }
  return shared;
}

interface Compiled {
  platform: Platform;
  binary: string;
  size: number;
  goVersion: string;
  buildInfo?: BuildInfo;
}

/** Every program of the image: the main package first, then its companions, each with its name and path. */
function programsOf(o: Options): { main: string; name: string; path: string }[] {
  const programs = [{ main: o.main, path: o.binary }, ...(o.companions ?? [])].map((p) => {
    const name = binaryName(o.context, p.main);
    return { main: p.main, name, path: p.path || `/usr/local/bin/${name}` };
  });
  const paths = new Set<string>();
  for (const p of programs) {
    if (paths.has(p.path))
      throw new ValidationError(
        'main',
        p.main,
        `${MAIN_ACCEPTED}; several, one per line, each at its own path (package=/path/in/image)`,
        `two programs would be ${p.path}`,
      );
    paths.add(p.path);
  }
  return programs;
}

/** The compiles start at once; everything else (the plan, the shared layers) happens beside them. */
async function buildGo(o: Options): Promise<BuiltImage> {
  const programs = programsOf(o);
  const binaryPath = programs[0]!.path;
  // Go's own time zone database goes into binaries on the built-in static base
  const tags = o.base === 'static' ? STATIC_BASE_BUILD_TAGS : [];
  const ldflags = [
    '-s',
    '-w',
    `-X main.version=${o.version}`,
    `-X main.commit=${o.revision}`,
    ...o.ldflags,
  ];
  const cores = availableParallelism();
  const concurrency = Math.min(cores, o.platforms.length);
  // compression pieces take the cores the compiles leave: one while others compile, all at the end
  let compiling = 0;
  const compression: CompressionOptions = {
    compression: o.compression.compression,
    level: o.compression.level,
    parallel: () => cores - compiling,
  };
  // a plan that fails (a base that does not exist), or a destination that cannot take the push
  // (the request's signal), stops the compiles: no waiting for a build whose image cannot go
  const stop = new AbortController();
  const stopWith = () => stop.abort(o.signal?.reason);
  if (o.signal?.aborted) stopWith();
  else o.signal?.addEventListener('abort', stopWith, { once: true });
  const compile = async (platform: Platform, main: string, binary: string): Promise<Compiled> => {
    compiling++;
    try {
      await compileGo(o.exec, o.go, {
        dir: o.context,
        main,
        platform,
        out: binary,
        ldflags,
        ...(tags.length ? { tags } : {}),
        signal: stop.signal,
      });
    } catch (err) {
      if (stop.signal.aborted) throw err;
      // a main that is not a main package (or not a package) says so as an input error; the
      // check runs only here, so a `go list` never competes with the compiles for the cores
      await checkMainPackage(o.exec, o.go, o.context, main);
      throw err;
    } finally {
      compiling--;
    }
    if (await isArchive(binary)) {
      await checkMainPackage(o.exec, o.go, o.context, main);
      throw new ValidationError(
        'main',
        main,
        MAIN_ACCEPTED,
        'go build wrote a package archive, not a program',
      );
    }
    const size = (await stat(binary)).size;
    // the version that built this very binary, as `go version <binary>` reports it
    const buildInfo = await readBuildInfo(binary);
    const goVer = buildInfo?.goVersion ?? (await goVersion(o.exec, o.go));
    return { platform, binary, size, goVersion: goVer, ...(buildInfo ? { buildInfo } : {}) };
  };
  // layering runs beside the compiles, uploads do not: nothing reaches a registry before every
  // platform compiled and the main package is known good, so a failed build leaves nothing there
  let compiledCount = 0;
  let allCompiled!: () => void;
  const uploadsOpen = new Promise<void>((open) => (allCompiled = open));
  const emit = (layer: BuiltLayer) =>
    void uploadsOpen.then(() =>
      o.uploads?.offer({ descriptor: layer.descriptor, source: layer.source }),
    );
  // settled by the plan, which is made once the compiles are on their way
  let adoptPlan!: (p: Promise<ImagePlan>) => void;
  const planned = new Promise<ImagePlan>((resolve) => (adoptPlan = resolve));
  const building = mapLimit(o.platforms, concurrency, (platform) => {
    const key = formatPlatform(platform);
    const slug = key.replace(/\//g, '-');
    return o.timeline.phase(`build ${key}`, async (attrs) => {
      const started = Date.now();
      // the programs one after another: what they share is compiled once, by the first
      const each: Compiled[] = [];
      for (const [i, p] of programs.entries()) {
        const file = join(o.workDir, slug, ...(i ? [String(i)] : []), p.name);
        each.push(await compile(platform, p.main, file));
      }
      const [first, ...others] = each as [Compiled, ...Compiled[]];
      const compiled: Compiled = {
        ...first,
        ...(first.buildInfo
          ? {
              buildInfo: mergeBuildInfo(
                first.buildInfo,
                others.flatMap((c) => c.buildInfo ?? []),
              ),
            }
          : {}),
      };
      if (++compiledCount === o.platforms.length) allCompiled();
      const compileMs = Date.now() - started;
      await planned;
      const layerStart = Date.now();
      const entries: LayerEntry[] = each.map((c, i) => ({
        path: programs[i]!.path,
        type: 'file',
        mode: 0o755,
        file: c.binary,
        size: c.size,
      }));
      const layer = await writeLayer(
        entries,
        join(o.workDir, `${slug}.tar.${compression.compression === 'zstd' ? 'zst' : 'gz'}`),
        { mtime: o.epoch, compression },
      );
      emit(layer);
      Object.assign(attrs, {
        platform: key,
        go: compiled.goVersion,
        binaryBytes: compiled.size,
        layerBytes: layer.descriptor.size,
        // the rest of the phase is layering (tar + gzip), and waiting for the base if it is slower
        compileMs,
        layerMs: Date.now() - layerStart,
      });
      return { ...compiled, layer };
    });
  });
  adoptPlan(
    planImage(o, compression).then((plan) => {
      for (const l of plan.shared) emit(l.layer);
      return plan;
    }),
  );
  // a plan or shared layer that fails (a bad base, a static-dir link leaving it) stops the compiles
  planned.catch(() => stop.abort());
  // mapLimit lets no compile outlive it; a bad plan (base) is the error to report first
  const [plannedResult, builtResult] = await Promise.allSettled([planned, building]);
  if (plannedResult.status === 'rejected') throw plannedResult.reason;
  if (builtResult.status === 'rejected') throw builtResult.reason;
  const { base: baseImage, shared } = plannedResult.value;
  const compiled = builtResult.value;

  const created = new Date(o.epoch * 1000).toISOString();
  const images = compiled.map((c): PlatformImage => {
    const key = formatPlatform(c.platform);
    const base = baseImage.perPlatform.get(key)!;
    const annotations: Record<string, string> = {
      [Annotation.created]: created,
      [GO_VERSION_ANNOTATION]: c.goVersion,
    };
    const baseRef =
      baseImage.reference && base.manifestDigest
        ? { name: formatReference(baseImage.reference), digest: base.manifestDigest }
        : undefined;
    if (baseRef) {
      annotations[Annotation.baseName] = baseRef.name;
      annotations[Annotation.baseDigest] = baseRef.digest;
    }
    const own = [
      ...shared,
      { layer: c.layer, createdBy: `go build ${o.main} (${c.goVersion}, ${key})` },
    ];
    const { config, manifest } = assembleImage({
      platform: c.platform,
      base,
      layers: own.map((l) => ({
        descriptor: l.layer.descriptor,
        diffId: l.layer.diffId,
        createdBy: l.createdBy,
      })),
      created,
      entrypoint: [binaryPath],
      ...(o.workdir ? { workingDir: o.workdir } : {}),
      ...(o.expose?.length ? { exposedPorts: o.expose } : {}),
      ...(o.cmd?.length ? { cmd: o.cmd } : {}),
      user: o.user,
      env: o.env,
      labels: o.labels,
      annotations,
    });
    const baseBlobs: BlobToPush[] = base.layers.map((d: Descriptor) => ({
      descriptor: d,
      source: baseImage.client!.openBlob(baseImage.reference!.repository, d.digest),
      mountFrom: [baseImage.reference!.repository],
      mountRegistry: baseImage.reference!.registry,
    }));
    return {
      platform: c.platform,
      manifest,
      descriptor: descriptorOf(manifest, { platform: c.platform }),
      ...(c.buildInfo ? { buildInfo: c.buildInfo } : {}),
      ...(baseRef ? { base: baseRef } : {}),
      blobs: [
        ...baseBlobs,
        ...own.map((l) => ({ descriptor: l.layer.descriptor, source: l.layer.source })),
        blobToPush(config),
      ],
    };
  });
  const indexAnnotations: Record<string, string> = {
    ...o.annotations,
    [Annotation.created]: created,
  };
  if (baseImage.reference && baseImage.digest) {
    indexAnnotations[Annotation.baseName] = formatReference(baseImage.reference);
    indexAnnotations[Annotation.baseDigest] = baseImage.digest;
  }
  const { blob } = buildIndex(
    images.map((i) => i.descriptor),
    { annotations: indexAnnotations },
  );
  const parameters = {
    platforms: o.platforms.map(formatPlatform),
    // one program: its package, as before; more: one per line, as the input takes them
    main: [
      o.main,
      ...(o.companions ?? []).map((c) => (c.path ? `${c.main}=${c.path}` : c.main)),
    ].join('\n'),
    ldflags: o.ldflags,
    buildTags: tags,
    base: o.base,
  };
  return { images, index: blob, parameters };
}
