import {
  movedKeys,
  parseModFile,
  parseSums,
  parseVendorModules,
} from '../../../src/affected/modfile.js';

describe('go.mod and go.work', () => {
  it('reads lines and blocks, comments and quoted paths as the go command does', () => {
    const mod = parseModFile(
      [
        'module example.com/shop // the shop',
        '',
        'go 1.23.0',
        'toolchain go1.23.5',
        'require example.com/one v1.0.0',
        'require (',
        '\texample.com/two v0.2.0 // indirect',
        '\t"example.com/three" v3.0.0+incompatible',
        '\t// example.com/four v4.0.0',
        ')',
        'replace example.com/one v1.0.0 => ../one',
        'replace (',
        '\texample.com/two => example.com/fork v0.2.1',
        ')',
        'exclude example.com/two v0.1.0',
        'retract [v0.0.1, v0.0.2]',
      ].join('\n'),
    );
    expect(mod.go).toBe('1.23.0');
    expect(mod.toolchain).toBe('go1.23.5');
    expect([...mod.require]).toEqual([
      ['example.com/one', 'v1.0.0'],
      ['example.com/two', 'v0.2.0'],
      ['example.com/three', 'v3.0.0+incompatible'],
    ]);
    expect([...mod.replace]).toEqual([
      ['example.com/one v1.0.0', '../one'],
      ['example.com/two', 'example.com/fork v0.2.1'],
    ]);
  });

  it('reads the modules a go.work uses, and an empty file as nothing', () => {
    expect(
      parseModFile('go 1.23\n\nuse (\n\t.\n\t./events // events\n)\nuse ./tools\n').use,
    ).toEqual(['.', './events', './tools']);
    expect(parseModFile('')).toEqual({
      go: '',
      toolchain: '',
      require: new Map(),
      replace: new Map(),
      use: [],
    });
  });
});

describe('go.sum and vendor/modules.txt', () => {
  it('takes the sums of module contents, not of their go.mod files', () => {
    const sums = parseSums(
      'example.com/a v1.0.0 h1:AAA=\nexample.com/a v1.0.0/go.mod h1:BBB=\nexample.com/b v0.1.0 h1:CCC=\n',
    );
    expect([...sums]).toEqual([
      ['example.com/a v1.0.0', 'h1:AAA='],
      ['example.com/b v0.1.0', 'h1:CCC='],
    ]);
  });

  it("reads modules.txt's module lines (a workspace's too), replacements kept", () => {
    const text =
      '# example.com/quote v1.0.0\n## explicit; go 1.21\nexample.com/quote\n# example.com/fork v0.0.0 => ./fork\nexample.com/fork\n## workspace\n';
    expect([...parseVendorModules(text)]).toEqual([
      ['example.com/quote', 'v1.0.0'],
      ['example.com/fork', 'v0.0.0 => ./fork'],
    ]);
  });

  it('says which keys moved, added and removed ones too', () => {
    const before = new Map([
      ['a', 'v1'],
      ['b', 'v1'],
      ['c', 'v1'],
    ]);
    const after = new Map([
      ['a', 'v1'],
      ['b', 'v2'],
      ['d', 'v1'],
    ]);
    expect([...movedKeys(before, after)]).toEqual([
      ['b', 'v1 → v2'],
      ['c', 'v1 → none'],
      ['d', 'none → v1'],
    ]);
  });
});
