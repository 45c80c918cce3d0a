#!/usr/bin/env node
// STAND-IN for trivy (the real binary cannot be fetched on the test machine): replays recorded
// `--format json` reports from test/fixtures/upstream — STANDIN_TRIVY_IMAGE for `trivy image`,
// STANDIN_TRIVY_FS for `trivy fs`, STANDIN_TRIVY_SBOM for `trivy sbom` — creates <cache-dir>/db as
// a DB download would, and records its argv in STANDIN_LOG (for `sbom`, also what the file is:
// real trivy reads SPDX JSON and CycloneDX JSON and refuses anything else) and the credentials it
// could offer a registry: TRIVY_USERNAME/PASSWORD and the docker config DOCKER_CONFIG names (real
// trivy offers both to every registry it contacts, its DB's included), with their file modes.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { record } from './registry-push.mjs';

const argv = process.argv.slice(2);
const cacheDir = argv[argv.indexOf('--cache-dir') + 1];
const downloaded = cacheDir && !existsSync(join(cacheDir, 'db', 'trivy.db'));

/**
 * The image manifest real trivy scans for `--input <layout>` (pkg/fanal/image/oci.go): the first
 * top-level entry of index.json — the first image of it when that is an index; --platform is
 * not consulted.
 */
function scannedManifest(dir) {
  const blob = (d) => JSON.parse(readFileSync(join(dir, 'blobs', ...d.split(':')), 'utf8'));
  const top = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests[0];
  if (!top) return undefined;
  return top.mediaType.includes('index') ? blob(top.digest).manifests[0]?.digest : top.digest;
}
const input = argv.includes('--input') ? argv[argv.indexOf('--input') + 1] : undefined;
/** `trivy sbom <file>`: the document's format, as trivy's decoder tells them apart. */
function sbomFormat(file) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  if (doc.spdxVersion) return doc.spdxVersion;
  if (doc.bomFormat === 'CycloneDX') return `CycloneDX ${doc.specVersion}`;
  console.error(`stand-in trivy: ${file} is neither SPDX nor CycloneDX JSON`);
  process.exit(1);
}
const sbomFile = argv[0] === 'sbom' ? argv[argv.length - 1] : undefined;
/** What a docker-config keychain (go-containerregistry's, trivy's) would read. */
function dockerLogins() {
  const dir = process.env.DOCKER_CONFIG;
  if (!dir) return undefined;
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return { dir, auths: {} };
  const mode = (p) => (statSync(p).mode & 0o777).toString(8);
  const auths = JSON.parse(readFileSync(file, 'utf8')).auths ?? {};
  return {
    dir,
    dirMode: mode(dir),
    fileMode: mode(file),
    auths: Object.fromEntries(
      Object.entries(auths).map(([k, v]) => [k, Buffer.from(v.auth ?? '', 'base64').toString()]),
    ),
  };
}
record({
  trivyUsername: process.env.TRIVY_USERNAME,
  trivyPassword: process.env.TRIVY_PASSWORD,
  dockerConfig: dockerLogins(),
  tool: 'trivy',
  argv,
  downloadedDb: Boolean(downloaded),
  ...(input ? { scanned: scannedManifest(input) } : {}),
  ...(sbomFile ? { sbom: sbomFormat(sbomFile) } : {}),
});
if (downloaded) {
  mkdirSync(join(cacheDir, 'db'), { recursive: true });
  writeFileSync(join(cacheDir, 'db', 'trivy.db'), 'stand-in vulnerability DB\n');
}
const fixture = {
  image: process.env.STANDIN_TRIVY_IMAGE,
  fs: process.env.STANDIN_TRIVY_FS,
  sbom: process.env.STANDIN_TRIVY_SBOM,
}[argv[0]];
if (!fixture) {
  console.error(`stand-in trivy: nothing recorded for "${argv[0]}"`);
  process.exit(1);
}
process.stdout.write(readFileSync(fixture));
