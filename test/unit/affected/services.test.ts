import type { GoPackage, Graph } from '../../../src/affected/graph.js';
import { parseServiceSpecs, resolveServices, serviceName } from '../../../src/affected/services.js';

const main = (dir: string, module = { path: 'example.com/shop', dir: '.' }): GoPackage => ({
  importPath: `${module.path}/${dir}`.replace(/\/\.$/, ''),
  name: 'main',
  dir: module.dir === '.' ? dir : `${module.dir}/${dir}`.replace(/\/\.$/, ''),
  module: { ...module, version: '' },
  files: [],
  embedPatterns: [],
  imports: [],
  deps: [],
});
const graphs: Graph[] = [
  {
    root: { dir: '.', workspace: true, modules: ['.', 'tools'] },
    platform: 'linux/amd64',
    packages: new Map(
      [
        main('cmd/billing'),
        main('cmd/orders'),
        main('.', { path: 'example.com/shop/tools', dir: 'tools' }),
        { ...main('internal/money'), name: 'money' },
      ].map((p) => [p.importPath, p]),
    ),
  },
];

describe('the services', () => {
  it('are every main package by default, named by directory, with context and main for build-push', () => {
    const s = resolveServices('services', [], graphs, 'ghcr.io/acme/{name}');
    expect(s.map((x) => [x.name, x.dir, x.context, x.main, x.image, x.paths])).toEqual([
      [
        'billing',
        'cmd/billing',
        '.',
        './cmd/billing',
        'ghcr.io/acme/billing',
        ['cmd/billing/Dockerfile', 'cmd/billing/Containerfile', 'cmd/billing/.dockerignore'],
      ],
      [
        'orders',
        'cmd/orders',
        '.',
        './cmd/orders',
        'ghcr.io/acme/orders',
        ['cmd/orders/Dockerfile', 'cmd/orders/Containerfile', 'cmd/orders/.dockerignore'],
      ],
      [
        'tools',
        'tools',
        'tools',
        '.',
        'ghcr.io/acme/tools',
        ['tools/Dockerfile', 'tools/Containerfile', 'tools/.dockerignore'],
      ],
    ]);
  });

  it('are those the input names, by directory or glob, with names, images and paths', () => {
    const specs = parseServiceSpecs('services', [
      'cmd/* paths=deploy/**,static',
      'tools name=migrate image=r.example/m',
    ]);
    const s = resolveServices('services', specs, graphs, '');
    expect(s.map((x) => [x.name, x.image, x.paths.slice(3)])).toEqual([
      ['billing', '', ['deploy/**', 'static']],
      ['migrate', 'r.example/m', []],
      ['orders', '', ['deploy/**', 'static']],
    ]);
  });

  it.each([
    [['cmd/nothing'], /no main package there \(main packages: cmd\/billing, cmd\/orders, tools\)/],
    [['internal/money'], /no main package there/],
    [['cmd/* name=one'], /name= for 2 services/],
    [['cmd/billing name=Bad_Name!'], /the name of cmd\/billing/],
    [
      ['cmd/billing name=x', 'cmd/orders name=x'],
      /both cmd\/billing and cmd\/orders are called so/,
    ],
    [['cmd/billing size=2'], /size=2 is not name=, image= or paths=/],
    [['../elsewhere'], /outside the directory/],
  ])('refuses %j', (lines, message) => {
    expect(() =>
      resolveServices('services', parseServiceSpecs('services', lines), graphs, ''),
    ).toThrow(message);
  });

  it.each([
    ['cmd/Billing_API', 'example.com/x/cmd/Billing_API', 'billing_api'],
    ['cmd/a..b', 'x', 'a-b'],
    ['.', 'example.com/shop', 'shop'],
  ])('names %s %s', (dir, importPath, want) => expect(serviceName(dir, importPath)).toBe(want));
});
