#!/usr/bin/env node
// STAND-IN for Cloud Native Buildpacks' pack (no pack, and no Docker daemon for its lifecycle, on
// the test machine). `pack build <image> --publish --platform os/arch` pushes the prepared image
// of that platform (from STANDIN_LAYOUT's index) under <image>'s tag. It records its argv.
import { layoutIndex, pushBlobs, putManifest, record } from './registry-push.mjs';

const argv = process.argv.slice(2);
record({ argv });
const [command, image] = argv;
const platform = argv[argv.indexOf('--platform') + 1];
if (command !== 'build' || !argv.includes('--publish')) {
  console.error('stand-in pack: only `pack build <image> --publish --platform p` is played');
  process.exit(2);
}
const layout = process.env.STANDIN_LAYOUT;
const { index, blob } = layoutIndex(layout);
const child = index.manifests.find(
  (m) =>
    `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? '/' + m.platform.variant : ''}` ===
    platform,
);
if (!child) {
  console.error(`stand-in pack: no prepared image for ${platform}`);
  process.exit(1);
}
const colon = image.lastIndexOf(':');
const name = image.slice(0, colon);
await pushBlobs(layout, name);
await putManifest(name, image.slice(colon + 1), child.mediaType, blob(child.digest));
console.log(`Successfully built image '${image}' (stand-in)`);
