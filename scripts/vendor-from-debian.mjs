// Vendors an example's third-party Go modules from Debian's golang-*-dev packages (sources under
// /usr/share/gocode/src), as `go mod vendor` would lay them out: every package the example's own
// packages import, transitively (files for every platform, tests left out), each module's
// license files, vendor/modules.txt and go.mod's require block, versions from the Debian
// packages; only the sources linux/amd64 and linux/arm64 compile. Run on a Debian machine with those packages installed:
//   node scripts/vendor-from-debian.mjs examples/orders-api
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

const GOCODE = '/usr/share/gocode/src';
const dir = process.argv[2];
if (!dir || !existsSync(join(dir, 'go.mod'))) {
  console.error('usage: node scripts/vendor-from-debian.mjs <module directory with go.mod>');
  process.exit(2);
}

/** Module roots Debian installed: their module path (go.mod) → directory. */
function moduleRoots() {
  const roots = new Map();
  const walk = (d, depth) => {
    if (existsSync(join(d, 'go.mod'))) {
      const m = /^module\s+(\S+)/m.exec(readFileSync(join(d, 'go.mod'), 'utf8'));
      if (m) roots.set(m[1].replace(/"/g, ''), d);
    }
    if (depth > 4) return;
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (
        e.isDirectory() &&
        !['testdata', 'vendor', '_examples', 'internal'].includes(e.name) &&
        !e.name.startsWith('.')
      )
        walk(join(d, e.name), depth + 1);
  };
  walk(GOCODE, 0);
  return roots;
}

const roots = moduleRoots();
/** A repository root without go.mod is a module of that path (pre-modules packages). */
function moduleOf(importPath) {
  let best;
  for (const path of roots.keys())
    if (
      (importPath === path || importPath.startsWith(`${path}/`)) &&
      (!best || path.length > best.length)
    )
      best = path;
  if (best) return { path: best, dir: roots.get(best) };
  const parts = importPath.split('/');
  const n = ['github.com', 'gitlab.com', 'bitbucket.org'].includes(parts[0])
    ? 3
    : parts[0] === 'golang.org'
      ? 3
      : 2;
  const path = parts.slice(0, n).join('/');
  if (existsSync(join(GOCODE, path))) {
    roots.set(path, join(GOCODE, path));
    return { path, dir: join(GOCODE, path) };
  }
  throw new Error(`no Debian package provides ${importPath}: install its golang-…-dev package`);
}

const isStd = (p) => !p.split('/')[0].includes('.');

// the examples build for linux/amd64 and linux/arm64 without cgo: only files one of them
// compiles are followed (Debian leaves out other systems' packages, golang.org/x/sys/windows)
const GOOS = [
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
];
const GOARCH = [
  '386',
  'arm',
  'armbe',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'sparc64',
  'wasm',
];
function builtFor(file, src, arch) {
  const parts = file
    .replace(/(_test)?\.go$/, '')
    .split('_')
    .slice(1);
  if (
    parts.some(
      (p) =>
        GOOS.includes(p) || GOARCH.includes(p) || (p !== arch && ['amd64', 'arm64'].includes(p)),
    )
  )
    return false;
  const line = /^\/\/go:build (.+)$/m.exec(src.split(/^package /m)[0] ?? '')?.[1];
  if (!line) return true;
  const on = (tag) => ['linux', 'unix', 'gc', arch].includes(tag) || /^go1\.\d+$/.test(tag);
  const expr = line.replace(/[\w.]+/g, (t) => (on(t) ? 'true' : 'false'));
  return Function(`return (${expr});`)();
}
function goFiles(d, withTests) {
  return readdirSync(d).filter(
    (f) =>
      f.endsWith('.go') && (withTests || !f.endsWith('_test.go')) && statSync(join(d, f)).isFile(),
  );
}
function importsOf(d, withTests) {
  const out = new Set();
  for (const f of goFiles(d, withTests)) {
    const src = readFileSync(join(d, f), 'utf8');
    if (!builtFor(f, src, 'amd64') && !builtFor(f, src, 'arm64')) continue;
    const header = src
      .split(/^(func|type|var|const) /m)[0]
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    for (const block of header.matchAll(/\bimport\s*\(([^)]*)\)/g))
      for (const m of block[1].matchAll(/"([^"]+)"/g)) out.add(m[1]);
    for (const m of header.matchAll(/\bimport\s+(?:[\w.]+\s+)?"([^"]+)"/g)) out.add(m[1]);
  }
  return [...out];
}

const own = /^module\s+(\S+)/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))[1];
const direct = new Set();
const packages = new Map(); // import path → { module, dir }
const queue = [];
for (const p of importsOf(dir, true))
  if (!isStd(p) && !p.startsWith(own)) {
    direct.add(moduleOf(p).path);
    queue.push(p);
  }
while (queue.length) {
  const p = queue.shift();
  if (packages.has(p) || isStd(p) || p === 'C') continue;
  const m = moduleOf(p);
  const pdir = join(m.dir, p.slice(m.path.length));
  if (!existsSync(pdir)) throw new Error(`${p}: not in ${m.dir}`);
  packages.set(p, { module: m.path, dir: pdir });
  for (const q of importsOf(pdir, false)) if (!isStd(q)) queue.push(q);
}

/** The Debian package version of a module: 1:0.7.0+dfsg-1 → v0.7.0. */
function versionOf(moduleDir) {
  const pkg = execFileSync('dpkg', ['-S', moduleDir], { encoding: 'utf8' }).split(':')[0];
  const v = execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  const up = v
    .replace(/^\d+:/, '')
    .replace(/-[^-]+$/, '')
    .replace(/[+~](dfsg|ds|repack).*$/, '');
  const git = /^0\.0~git(\d{8})\.([0-9a-f]+)/.exec(up);
  if (git) return `v0.0.0-${git[1]}000000-${git[2].padEnd(12, '0').slice(0, 12)}`;
  if (!/^\d+\.\d+\.\d+$/.test(up)) throw new Error(`${pkg} ${v}: not a version Go takes`);
  return { version: `v${up}`, pkg, debian: v };
}

const vendor = join(dir, 'vendor');
rmSync(vendor, { recursive: true, force: true });
const modules = new Map();
for (const [p, { module, dir: pdir }] of packages) {
  const to = join(vendor, p);
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(pdir)) {
    if (!statSync(join(pdir, f)).isFile() || f.endsWith('_test.go')) continue;
    if (f === 'go.mod' || f === 'go.sum') continue; // as go mod vendor: modules.txt says it all
    // sources for other systems and architectures stay out (golang.org/x/sys/unix is 7 MB of them)
    if (/\.(go|s)$/.test(f)) {
      const src = readFileSync(join(pdir, f), 'utf8');
      const name = f.replace(/\.s$/, '.go');
      if (!builtFor(name, src, 'amd64') && !builtFor(name, src, 'arm64')) continue;
    }
    cpSync(join(pdir, f), join(to, f));
  }
  if (!modules.has(module)) modules.set(module, []);
  modules.get(module).push(p);
}
const lines = [];
const requires = [];
const provenance = [];
for (const path of [...modules.keys()].sort()) {
  const mdir = roots.get(path);
  const v = versionOf(mdir);
  const version = typeof v === 'string' ? v : v.version;
  for (const f of readdirSync(mdir))
    if (
      /^(LICENSE|LICENCE|COPYING|NOTICE|PATENTS|AUTHORS)/i.test(f) &&
      statSync(join(mdir, f)).isFile()
    )
      cpSync(join(mdir, f), join(vendor, path, f));
  // Debian keeps a module's license in its package's copyright file
  if (typeof v !== 'string' && existsSync(`/usr/share/doc/${v.pkg}/copyright`))
    cpSync(`/usr/share/doc/${v.pkg}/copyright`, join(vendor, path, 'COPYRIGHT.debian'));
  const goVersion = existsSync(join(mdir, 'go.mod'))
    ? /^go\s+(\d+\.\d+)/m.exec(readFileSync(join(mdir, 'go.mod'), 'utf8'))?.[1]
    : undefined;
  lines.push(
    `# ${path} ${version}`,
    `## explicit${goVersion ? `; go ${goVersion}` : ''}`,
    ...modules.get(path).sort(),
  );
  requires.push(`\t${path} ${version}${direct.has(path) ? '' : ' // indirect'}`);
  provenance.push(
    `${path} ${version}: Debian ${typeof v === 'string' ? '' : `${v.pkg} ${v.debian}`}`,
  );
}
writeFileSync(join(vendor, 'modules.txt'), lines.join('\n') + '\n');
const gomod = readFileSync(join(dir, 'go.mod'), 'utf8')
  .replace(/\nrequire \([\s\S]*?\n\)\n/, '\n')
  .trimEnd();
writeFileSync(join(dir, 'go.mod'), `${gomod}\n\nrequire (\n${requires.join('\n')}\n)\n`);
writeFileSync(
  join(vendor, 'DEBIAN-SOURCES.txt'),
  `Vendored by scripts/vendor-from-debian.mjs from Debian's golang-*-dev packages, for linux/amd64 and linux/arm64 (other systems' sources left out):\n${provenance.join('\n')}\n`,
);
console.log(
  `${relative(process.cwd(), vendor)}: ${modules.size} modules, ${packages.size} packages`,
);
