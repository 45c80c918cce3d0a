import type { Change } from '../../../src/affected/changes.js';
import type { GoPackage, Graph } from '../../../src/affected/graph.js';
import { moduleChanges, type ModuleChange } from '../../../src/affected/modchanges.js';
import { formatReason, selectServices } from '../../../src/affected/select.js';
import type { Service } from '../../../src/affected/services.js';

const M = 'example.com/shop';
const pkg = (
  dir: string,
  files: string[],
  imports: string[],
  extra: Partial<GoPackage> = {},
): GoPackage => ({
  importPath: `${M}/${dir}`,
  name: dir.startsWith('cmd/') ? 'main' : dir.split('/').at(-1)!,
  dir,
  module: { path: M, version: '', dir: '.' },
  files: files.map((f) => `${dir}/${f}`),
  embedPatterns: [],
  imports: imports.map((i) => `${M}/${i}`),
  deps: [],
  ...extra,
});

/** A graph whose Deps are the transitive imports, as go list gives them. */
function graph(platform: string, packages: GoPackage[], modules = ['.']): Graph {
  const byPath = new Map(packages.map((p) => [p.importPath, p]));
  for (const p of packages) {
    const seen = new Set<string>();
    const visit = (q: string) => {
      for (const i of byPath.get(q)?.imports ?? [])
        if (!seen.has(i)) {
          seen.add(i);
          visit(i);
        }
    };
    visit(p.importPath);
    p.deps = [...seen].sort();
  }
  return { root: { dir: '.', workspace: modules.length > 1, modules }, platform, packages: byPath };
}

const service = (name: string, dir: string, extra: Partial<Service> = {}): Service => ({
  name,
  dir,
  importPath: `${M}/${dir}`,
  root: '.',
  context: '.',
  main: `./${dir}`,
  image: '',
  paths: [`${dir}/Dockerfile`],
  ...extra,
});

const quote = (version: string): GoPackage => ({
  importPath: 'example.com/quote',
  name: 'quote',
  module: { path: 'example.com/quote', version },
  files: [],
  embedPatterns: [],
  imports: [],
  deps: [],
});

function shop(platform: string, modules = ['.']): Graph {
  const arm = platform.endsWith('arm64');
  return graph(
    platform,
    [
      pkg('cmd/billing', ['main.go'], ['internal/money', 'internal/platform']),
      pkg('cmd/catalog', ['main.go'], ['internal/catalog']),
      pkg('internal/money', ['round.go'], []),
      pkg(
        'internal/platform',
        ['platform.go', 'os_linux.go', arm ? 'arch_arm64.go' : 'arch_other.go'],
        [],
      ),
      pkg('internal/catalog', ['catalog.go', 'data/products.txt'], [], {
        embedPatterns: ['data/*.txt', 'all:static'],
        imports: ['example.com/quote'],
      }),
      quote('v1.0.0'),
    ],
    modules,
  );
}

const services = [service('billing', 'cmd/billing'), service('catalog', 'cmd/catalog')];
const graphs = [shop('linux/amd64'), shop('linux/arm64')];
const pick = (changes: Change[], moves: ModuleChange[] = []) =>
  Object.fromEntries(
    [...selectServices(services, graphs, changes, moves)].map(([k, r]) => [k, formatReason(r)]),
  );
const modified = (path: string): Change => ({ status: 'modified', path });
const deleted = (path: string): Change => ({ status: 'deleted', path });

describe('which services a change reaches', () => {
  it('follows the import chain from the changed file to each main', () => {
    expect(pick([modified('internal/money/round.go')])).toEqual({
      billing: 'internal/money/round.go → internal/money → cmd/billing',
    });
  });

  it('takes a platform-only file on that platform alone, and says so', () => {
    expect(pick([modified('internal/platform/arch_arm64.go')])).toEqual({
      billing:
        'internal/platform/arch_arm64.go → internal/platform → cmd/billing (linux/arm64 only)',
    });
  });

  it("a service's own paths (its Dockerfile) reach it", () => {
    expect(pick([modified('cmd/catalog/Dockerfile')])).toEqual({
      catalog: 'cmd/catalog/Dockerfile → a path of catalog',
    });
  });

  it.each([
    ['internal/money/old.go', ['billing']],
    ['internal/money/old_test.go', []],
    ['internal/money/old_windows.go', []],
    ['internal/money/old_linux.go', ['billing']],
    ['internal/money/old_linux_arm64.go', ['billing']],
    ['internal/money/old_darwin_arm64.go', []],
    ['internal/money/README.md', []],
    ['internal/money/sub/x.go', []],
    ['internal/catalog/data/gone.txt', ['catalog']],
    ['internal/catalog/data/gone.json', []],
    ['internal/catalog/static/css/site.css', ['catalog']],
  ])('a deleted %s reaches %j', (path, want) => {
    expect(Object.keys(pick([deleted(path)]))).toEqual(want);
  });

  it("a deleted platform file reaches that platform's build only", () => {
    expect(pick([deleted('internal/money/x_arm64.s')])).toEqual({
      billing: 'internal/money/x_arm64.s → internal/money → cmd/billing (linux/arm64 only)',
    });
  });

  it('a moved module reaches the services that build a package of it, through the module file read', () => {
    const moves: ModuleChange[] = [
      {
        file: 'go.mod',
        readers: { kind: 'module', dir: '.' },
        modules: new Map([['example.com/quote', 'v1.0.0 → v1.1.0']]),
        sums: new Map(),
      },
    ];
    expect(pick([modified('go.mod')], moves)).toEqual({
      catalog:
        'go.mod: example.com/quote v1.0.0 → v1.1.0 → example.com/quote → internal/catalog → cmd/catalog',
    });
    // a go.mod of a module none of them builds moves nothing
    expect(
      pick(
        [modified('tools/go.mod')],
        [{ ...moves[0]!, file: 'tools/go.mod', readers: { kind: 'module', dir: 'tools' } }],
      ),
    ).toEqual({});
  });

  it('a sum moves only the services that build that exact version', () => {
    const sums = (version: string): ModuleChange[] => [
      {
        file: 'go.sum',
        readers: { kind: 'module', dir: '.' },
        modules: new Map(),
        sums: new Map([[`example.com/quote ${version}`, 'h1:A= → h1:B=']]),
      },
    ];
    expect(Object.keys(pick([modified('go.sum')], sums('v1.0.0')))).toEqual(['catalog']);
    expect(pick([modified('go.sum')], sums('v0.9.0'))).toEqual({});
  });

  it("in a workspace, a module's requirements move every build of the workspace", () => {
    const workspace = [shop('linux/amd64', ['.', 'events']), shop('linux/arm64', ['.', 'events'])];
    const events = (change: Partial<ModuleChange>): ModuleChange[] => [
      {
        file: 'events/go.mod',
        readers: { kind: 'module', dir: 'events' },
        modules: new Map(),
        sums: new Map(),
        ...change,
      },
    ];
    const picked = (moves: ModuleChange[]) =>
      Object.fromEntries(
        [...selectServices(services, workspace, [modified('events/go.mod')], moves)].map(
          ([k, r]) => [k, formatReason(r)],
        ),
      );
    // events requires a newer quote: the workspace's one build list has it, catalog builds it
    expect(
      picked(events({ modules: new Map([['example.com/quote', 'v1.0.0 → v1.1.0']]) })),
    ).toEqual({
      catalog:
        'events/go.mod: example.com/quote v1.0.0 → v1.1.0 → example.com/quote → internal/catalog → cmd/catalog',
    });
    // its go line is the language of its own packages: none of these build one
    expect(picked(events({ language: 'events/go.mod: go 1.23 → 1.22' }))).toEqual({});
    // a replace there applies to the whole workspace
    expect(Object.keys(picked(events({ whole: 'events/go.mod: replace x: none → ../x' })))).toEqual(
      ['billing', 'catalog'],
    );
    // outside a workspace, another module's go.mod is not read at all
    expect(
      pick([modified('events/go.mod')], events({ whole: 'events/go.mod: replace x: none → ../x' })),
    ).toEqual({});
  });

  it("the main module's go line, toolchain or a replace moves every service building it", () => {
    const change = (c: Partial<ModuleChange>): ModuleChange => ({
      file: 'go.mod',
      readers: { kind: 'module', dir: '.' },
      modules: new Map(),
      sums: new Map(),
      ...c,
    });
    expect(pick([modified('go.mod')], [change({ language: 'go.mod: go 1.22 → 1.23' })])).toEqual({
      billing: 'go.mod: go 1.22 → 1.23 → cmd/billing',
      catalog: 'go.mod: go 1.22 → 1.23 → cmd/catalog',
    });
    expect(
      Object.keys(
        pick([modified('go.mod')], [change({ whole: 'go.mod: toolchain none → go1.23.5' })]),
      ),
    ).toEqual(['billing', 'catalog']);
    // a workspace file is read by the builds run at its root only
    const work = change({
      whole: 'other/go.work: use',
      file: 'other/go.work',
      readers: { kind: 'root', dir: 'other' },
    });
    expect(pick([modified('other/go.work')], [work])).toEqual({});
  });

  it('a package go list could not load rebuilds its services, with the error', () => {
    const broken = shop('linux/amd64');
    broken.packages.get(`${M}/internal/money`)!.error = 'no required module provides package x';
    const picked = selectServices(services, [broken], [modified('README.md')], []);
    expect([...picked.keys()]).toEqual(['billing']);
    expect(formatReason(picked.get('billing')!)).toBe(
      'go list: no required module provides package x',
    );
  });
});

describe('what a change to the module files moved', () => {
  const files: Record<string, [string, string]> = {
    'go.mod': [
      'module example.com/shop\n\ngo 1.23\n\nrequire (\n\texample.com/quote v1.0.0\n\texample.com/same v1.0.0\n)\n',
      'module example.com/shop\n\ngo 1.23\n\nrequire (\n\texample.com/quote v1.1.0\n\texample.com/same v1.0.0\n)\n',
    ],
    'events/go.mod': [
      'module example.com/shop/events\n\ngo 1.23\n',
      'module example.com/shop/events\n\ngo 1.22\n',
    ],
    'go.work': ['go 1.23\n\nuse .\n', 'go 1.23\n\nuse (\n\t.\n\t./events\n)\n'],
    'go.sum': [
      'example.com/quote v1.0.0 h1:A=\n',
      'example.com/quote v1.0.0 h1:A=\nexample.com/quote v1.1.0 h1:B=\n',
    ],
    'vendor/modules.txt': [
      '# example.com/quote v1.0.0\nexample.com/quote\n',
      '# example.com/quote v1.1.0\nexample.com/quote\n',
    ],
    'vendor/example.com/quote/quote.go': ['a', 'b'],
    'vendor/example.com/quote/sub/x.go': ['a', 'b'],
  };
  const read = async (side: 'base' | 'head', path: string) =>
    files[path]?.[side === 'base' ? 0 : 1] ?? '';

  it('reads each file on both sides', async () => {
    const changes = Object.keys(files).map(modified);
    const moved = await moduleChanges(changes, ['.'], read);
    expect(
      moved.map((m) => [
        m.file,
        m.readers,
        m.language ?? m.whole ?? '',
        [...m.modules],
        [...m.sums],
      ]),
    ).toEqual([
      ['go.mod', { kind: 'module', dir: '.' }, '', [['example.com/quote', 'v1.0.0 → v1.1.0']], []],
      ['events/go.mod', { kind: 'module', dir: 'events' }, 'events/go.mod: go 1.23 → 1.22', [], []],
      ['go.work', { kind: 'root', dir: '.' }, 'go.work: use', [], []],
      [
        'go.sum',
        { kind: 'module', dir: '.' },
        '',
        [],
        [['example.com/quote v1.1.0', 'none → h1:B=']],
      ],
      [
        'vendor/modules.txt',
        { kind: 'root', dir: '.' },
        '',
        [['example.com/quote', 'v1.0.0 → v1.1.0']],
        [],
      ],
      [
        'vendor/example.com/quote/quote.go',
        { kind: 'root', dir: '.' },
        '',
        [['example.com/quote', 'vendored files changed']],
        [],
      ],
      [
        'vendor/example.com/quote/sub/x.go',
        { kind: 'root', dir: '.' },
        '',
        [['example.com/quote', 'vendored files changed']],
        [],
      ],
    ]);
  });

  it("reads vendor/ only at a build's root: a package's own vendor directory is just files", async () => {
    expect(await moduleChanges([modified('internal/vendor/modules.txt')], ['.'], read)).toEqual([]);
  });
});
