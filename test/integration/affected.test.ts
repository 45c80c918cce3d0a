import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Job } from '../harness/runner.js';
import { REPO_ROOT } from '../harness/paths.js';
import { writeGoProxy } from './support/goproxy.js';
import { requireGo } from './support/require.js';
import { commitAll, exampleWorkspace } from './support/workspace.js';

/**
 * The table: commits on top of examples/monorepo, each with the exact services it reaches — and,
 * for every service not reached, proof that skipping it is safe: its image built before and
 * after the commit has the same digest.
 */

let repo: string;
let work: string;
let go: string;
// offline, as a runner with the vendored example is: nothing is fetched
const goEnv = () => ({ GOCACHE: join(work, 'gocache'), GOPROXY: 'off' });

beforeAll(() => {
  go = requireGo();
  work = mkdtempSync(join(tmpdir(), 'affected-it-'));
  repo = exampleWorkspace('monorepo');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const at = (path: string) => join(repo, path);
const write = (path: string, text: string) => {
  mkdirSync(dirname(at(path)), { recursive: true });
  writeFileSync(at(path), text);
};
/** Replaces `from` in a file of `dir` (the table's repository by default); it must be there. */
function edit(path: string, from: string | RegExp, to: string, dir = repo) {
  const text = readFileSync(join(dir, path), 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${path}: ${String(from)} not found`);
  writeFileSync(join(dir, path), next);
}

interface Affected {
  exitCode: number;
  services: string[];
  reasons: Record<string, { file: string; chain: string[]; platforms?: string[] }>;
  matrix: { include: Record<string, string>[] };
  all: string;
  log: string;
  summary: string;
}

/** The affected action as a push from `before` to HEAD (or another event) would run it. */
async function affected(
  event: { name: string; payload: object },
  withInputs: Record<string, string> = {},
  workspace = repo,
): Promise<Affected> {
  const job = await Job.create({ workspace, event, env: goEnv() });
  try {
    const r = await job.uses('actions/affected', { with: withInputs });
    return {
      exitCode: r.exitCode,
      services: JSON.parse(r.outputs.services ?? '[]') as string[],
      reasons: JSON.parse(r.outputs.reasons ?? '{}') as Affected['reasons'],
      matrix: JSON.parse(r.outputs.matrix ?? '{"include":[]}') as Affected['matrix'],
      all: r.outputs.all ?? '',
      log: r.log,
      summary: r.summary,
    };
  } finally {
    await job.cleanup();
  }
}

/**
 * The image build-push makes of a service at the checked-out commit, by digest: both platforms,
 * on scratch, no attestations. What names the commit itself is held fixed (the revision label and
 * -X main.commit, the created time, Go's VCS stamp): what is left is what the commit's files make.
 */
async function digestOf(main: string): Promise<string> {
  const job = await Job.create({
    workspace: repo,
    event: { name: 'push', payload: { ref: 'refs/heads/main', after: 'c'.repeat(40) } },
    env: { ...goEnv(), GOFLAGS: '-buildvcs=false', SOURCE_DATE_EPOCH: '1700000000' },
  });
  try {
    const r = await job.uses('actions/build-push', {
      with: {
        builder: 'go',
        main,
        platforms: 'linux/amd64,linux/arm64',
        base: 'scratch',
        sbom: 'false',
        provenance: 'false',
        'oci-layout': join(job.runnerTemp, 'layout'),
      },
    });
    if (r.exitCode !== 0) throw new Error(`build of ${main} failed:\n${r.log}`);
    return r.outputs.digest!;
  } finally {
    await job.cleanup();
  }
}

interface Row {
  what: string;
  change: () => void;
  /** The services reached, by name. */
  expect: string[];
  /** A chain the first service's reason must show, or the platforms it is limited to. */
  chain?: string[];
  platforms?: string[];
}

// the next version of the stand-in third-party module: its source and go.sum lines
const QUOTE = join(REPO_ROOT, 'test', 'fixtures', 'monorepo', 'quote-v1.1.0');

const ROWS: Row[] = [
  {
    what: 'a leaf file (one main)',
    change: () => edit('cmd/orders/main.go', 'orders.Place(7, 999)', 'orders.Place(8, 999)'),
    expect: ['orders'],
  },
  {
    what: 'a shared package',
    change: () => edit('internal/money/round.go', 'step/2', '(step / 2)'),
    expect: ['billing', 'orders'],
    chain: ['internal/money/round.go', 'internal/money', 'internal/billing', 'cmd/billing'],
  },
  {
    what: 'a _windows.go file (linux images only)',
    change: () => edit('internal/platform/os_windows.go', '"windows"', '"win"'),
    expect: [],
  },
  {
    what: 'an _arm64.go file (the arm64 images)',
    change: () => edit('internal/platform/arch_arm64.go', '"arm64"', '"aarch64"'),
    expect: ['billing', 'notify'],
    platforms: ['linux/arm64'],
  },
  {
    what: 'an embedded file',
    change: () => appendFileSync(at('internal/catalog/data/products.txt'), 'saucer\n'),
    expect: ['catalog'],
    chain: ['internal/catalog/data/products.txt', 'internal/catalog', 'cmd/catalog'],
  },
  {
    what: 'a test file',
    change: () => edit('internal/money/round_test.go', 'Round(149, 100)', 'Round(150, 100)'),
    expect: [],
  },
  {
    what: 'a go.sum bump of a module one service uses (go.mod, go.sum, vendor/)',
    change: () => {
      edit('go.mod', 'example.com/quote v1.0.0', 'example.com/quote v1.1.0');
      writeFileSync(at('go.sum'), readFileSync(join(QUOTE, 'go.sum')));
      edit('vendor/modules.txt', '# example.com/quote v1.0.0', '# example.com/quote v1.1.0');
      cpSync(join(QUOTE, 'quote.go'), at('vendor/example.com/quote/quote.go'));
    },
    expect: ['catalog'],
  },
  {
    what: "a vendored module's file patched in place",
    change: () => edit('vendor/example.com/quote/quote.go', 'since 1999', 'since 1998'),
    expect: ['catalog'],
    chain: [
      'vendor/example.com/quote/quote.go',
      'example.com/quote',
      'internal/catalog',
      'cmd/catalog',
    ],
  },
  {
    what: "the go line of the workspace's second module",
    change: () => edit('events/go.mod', 'go 1.23', 'go 1.22'),
    expect: ['notify', 'orders'],
  },
  {
    what: "a file of the workspace's second module",
    change: () => edit('events/events.go', 'order=%d', 'order %d'),
    expect: ['notify', 'orders'],
  },
  {
    what: "a service's Dockerfile",
    change: () => edit('cmd/billing/Dockerfile', 'FROM scratch', 'FROM scratch AS final'),
    expect: ['billing'],
  },
  {
    what: 'a README',
    change: () => write('README.md', '# shop\n'),
    expect: [],
  },
  {
    what: 'a non-Go file in a package directory, not embedded',
    change: () => write('internal/catalog/NOTES.md', 'products come from data/\n'),
    expect: [],
  },
  {
    what: 'testdata',
    change: () => write('internal/money/testdata/cases.txt', '149 100 100\n'),
    expect: [],
  },
  {
    what: 'a file only a build tag the images are not built with takes',
    change: () =>
      write('internal/money/debug.go', '//go:build debug\n\npackage money\n\nconst Debug = true\n'),
    expect: [],
  },
  {
    what: "a file only the static base's build tag takes (timetzdata, which the go builder adds)",
    change: () =>
      write(
        'internal/money/zone.go',
        '//go:build timetzdata\n\npackage money\n\n// Zone is where amounts are dated.\nconst Zone = "UTC"\n',
      ),
    expect: ['billing', 'orders'],
  },
  {
    what: 'a new file in a shared package',
    change: () =>
      write(
        'internal/money/clamp.go',
        'package money\n\n// Clamp keeps cents at zero or above.\nfunc Clamp(c int64) int64 { return max(c, 0) }\n',
      ),
    expect: ['billing', 'orders'],
  },
  {
    what: 'that file deleted',
    change: () => rmSync(at('internal/money/clamp.go')),
    expect: ['billing', 'orders'],
  },
  {
    what: 'a deleted package (its one importer changed with it)',
    change: () => {
      rmSync(at('internal/billing'), { recursive: true });
      edit(
        'cmd/billing/main.go',
        '"example.com/shop/internal/billing"',
        '"example.com/shop/internal/money"',
      );
      edit('cmd/billing/main.go', 'billing.Invoice(1, 1234)', 'money.Round(1234, 5)');
    },
    expect: ['billing'],
  },
  {
    what: 'a renamed service',
    change: () => renameSync(at('cmd/notify'), at('cmd/notifier')),
    expect: ['notifier'],
  },
  {
    what: 'a new service',
    change: () =>
      write(
        'cmd/audit/main.go',
        'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/shop/events"\n)\n\nfunc main() { fmt.Println(events.Event{Kind: "audited"}) }\n',
      ),
    expect: ['audit'],
  },
  {
    what: 'a workflow file',
    change: () => write('.github/workflows/ci.yml', 'on: push\n'),
    expect: [],
  },
  {
    what: 'a replace of the third-party module by a copy in the repository (every service of the module)',
    change: () => {
      cpSync(at('vendor/example.com/quote'), at('third_party/quote'), { recursive: true });
      write('third_party/quote/go.mod', 'module example.com/quote\n\ngo 1.21\n');
      appendFileSync(at('go.mod'), '\nreplace example.com/quote => ./third_party/quote\n');
      execFileSync(go, ['work', 'vendor'], { cwd: repo, env: { ...process.env, ...goEnv() } });
    },
    expect: ['audit', 'billing', 'catalog', 'notifier', 'orders'],
  },
];

test('the table: each commit reaches exactly its services, and every other builds to the same digest before and after', async () => {
  const shas = [git('rev-parse', 'HEAD')];
  const results: Affected[] = [];
  // the main of each service at each commit, for the digest checks
  const mains: Record<string, string>[] = [];
  const mainsNow = () =>
    Object.fromEntries(
      git('ls-files', 'cmd')
        .split('\n')
        .filter((f) => f.endsWith('/main.go'))
        .map((f) => [f.split('/')[1]!, `./${dirname(f)}`]),
    );
  mains.push(mainsNow());
  for (const [i, row] of ROWS.entries()) {
    row.change();
    commitAll(repo, row.what, `2024-06-${String(i + 1).padStart(2, '0')}T12:00:00Z`);
    shas.push(git('rev-parse', 'HEAD'));
    mains.push(mainsNow());
    results.push(
      await affected({
        name: 'push',
        payload: { before: shas[i], after: shas[i + 1], ref: 'refs/heads/main' },
      }),
    );
  }
  // the answers first, all rows at once: a wrong row names itself
  expect(results.map((r, i) => [ROWS[i]!.what, r.exitCode, r.services])).toEqual(
    ROWS.map((row) => [row.what, 0, row.expect]),
  );
  for (const [i, row] of ROWS.entries()) {
    const first = results[i]!.reasons[row.expect[0] ?? ''];
    if (row.chain) expect([row.what, first?.chain]).toEqual([row.what, row.chain]);
    if (row.platforms) expect([row.what, first?.platforms]).toEqual([row.what, row.platforms]);
    // the summary has a line for every service, rebuilt or not
    for (const s of Object.keys(mains[i + 1]!)) expect(results[i]!.summary).toContain(`| ${s} |`);
  }

  // the property that makes skipping safe: each service not reached builds to the same image
  const needed = shas.map(() => new Set<string>());
  for (const [i, row] of ROWS.entries())
    for (const s of Object.keys(mains[i + 1]!))
      if (!row.expect.includes(s) && s in mains[i]!) {
        needed[i]!.add(s);
        needed[i + 1]!.add(s);
      }
  const digests = shas.map(() => new Map<string, string>());
  for (const [c, sha] of shas.entries()) {
    if (needed[c]!.size === 0) continue;
    git('checkout', '-q', sha);
    for (const s of needed[c]!) digests[c]!.set(s, await digestOf(mains[c]![s]!));
  }
  git('checkout', '-q', 'main');
  const checked: string[] = [];
  for (const [i, row] of ROWS.entries())
    for (const s of Object.keys(mains[i + 1]!))
      if (!row.expect.includes(s) && s in mains[i]!) {
        expect([row.what, s, digests[i + 1]!.get(s)]).toEqual([row.what, s, digests[i]!.get(s)]);
        checked.push(`${row.what}: ${s}`);
      }
  // every row that skips something was checked (the skip-nothing rows are listed, not vacuous)
  expect(checked.length).toBe(
    ROWS.reduce(
      (n, row, i) =>
        n +
        Object.keys(mains[i + 1]!).filter((s) => !row.expect.includes(s) && s in mains[i]!).length,
      0,
    ),
  );
  expect(checked.length).toBeGreaterThan(40);
}, 600_000);

describe('the base', () => {
  const run = (args: string[], cwd: string) =>
    execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  test("a pull request on a shallow clone of its merge commit: the base fetched, the clone deepened, the pull request's own changes only", async () => {
    const origin = exampleWorkspace('monorepo');
    const clone = mkdtempSync(join(tmpdir(), 'affected-clone-'));
    try {
      run(['checkout', '-q', '-b', 'feature'], origin);
      appendFileSync(join(origin, 'internal/catalog/data/products.txt'), 'saucer\n');
      commitAll(origin, 'a product', '2024-06-01T12:00:00Z');
      // the base branch moves on after the pull request branched off
      run(['checkout', '-q', 'main'], origin);
      edit('internal/money/round.go', 'step/2', '(step / 2)', origin);
      commitAll(origin, 'rounding', '2024-06-02T12:00:00Z');
      const base = run(['rev-parse', 'HEAD'], origin);
      // GitHub's refs/pull/N/merge: the base merged with the head
      run(['checkout', '-q', '-b', 'pull-merge'], origin);
      run(
        [
          '-c',
          'user.name=t',
          '-c',
          'user.email=t@gantry.invalid',
          'merge',
          '-q',
          '--no-edit',
          'feature',
        ],
        origin,
      );
      // actions/checkout's default: one commit, nothing else
      run(
        ['clone', '-q', '--depth=1', '--branch', 'pull-merge', `file://${origin}`, clone],
        tmpdir(),
      );
      expect(run(['rev-parse', '--is-shallow-repository'], clone)).toBe('true');

      const r = await affected(
        {
          name: 'pull_request',
          payload: { number: 7, pull_request: { number: 7, base: { sha: base } } },
        },
        {},
        clone,
      );
      expect([r.exitCode, r.services]).toEqual([0, ['catalog']]);
      expect(r.log).toContain(`fetched the base ${base.slice(0, 12)}`);
      expect(r.log).toMatch(/deepened the shallow clone by \d+ commits/);

      // the head checked out instead of the merge: the base's own later commit still counts for nothing
      run(['fetch', '-q', 'origin', 'feature'], clone);
      run(['checkout', '-q', 'FETCH_HEAD'], clone);
      const head = await affected(
        {
          name: 'pull_request',
          payload: { number: 7, pull_request: { number: 7, base: { sha: base } } },
        },
        {},
        clone,
      );
      expect([head.exitCode, head.services]).toEqual([0, ['catalog']]);
    } finally {
      rmSync(origin, { recursive: true, force: true });
      rmSync(clone, { recursive: true, force: true });
    }
  });

  test('a schedule, a new branch, a force push and a base the clone cannot reach build every service, saying why', async () => {
    const head = git('rev-parse', 'HEAD');
    const cases: [string, object, RegExp][] = [
      ['schedule', {}, /a schedule: every service is built/],
      ['push', { before: '0'.repeat(40), after: head, created: true }, /a new branch or tag/],
      ['push', { before: head, after: head, forced: true }, /a force push/],
      [
        'push',
        { before: 'e'.repeat(40), after: head },
        /is not in the clone's history and could not be fetched/,
      ],
    ];
    for (const [name, payload, why] of cases) {
      const r = await affected({ name, payload });
      expect([name, r.exitCode, r.all, r.services.length]).toEqual([
        name,
        0,
        'true',
        Object.keys(r.reasons).length,
      ]);
      expect(r.services.length).toBeGreaterThanOrEqual(4);
      expect(r.log).toMatch(why);
      expect(r.summary).toMatch(why);
    }
  });
});

describe('a workspace has one build list', () => {
  test("a second module's new requirement moves the first module's service that builds it", async () => {
    // the example without vendor/: its third-party module comes from a module proxy
    const ws = exampleWorkspace('monorepo');
    const cache = mkdtempSync(join(tmpdir(), 'affected-modcache-'));
    try {
      const vendored = (f: string) => readFileSync(join(ws, 'vendor/example.com/quote', f), 'utf8');
      const quote = (version: string, source: string) => ({
        path: 'example.com/quote',
        version,
        files: {
          'go.mod': 'module example.com/quote\n\ngo 1.21\n',
          'quote.go': source,
          LICENSE: vendored('LICENSE'),
        },
      });
      const proxy = writeGoProxy(join(cache, 'proxy'), [
        quote('v1.0.0', vendored('quote.go')),
        quote('v1.1.0', readFileSync(join(QUOTE, 'quote.go'), 'utf8')),
      ]);
      const env = {
        GOPROXY: proxy,
        GOSUMDB: 'off',
        GOMODCACHE: join(cache, 'mod'),
        GOFLAGS: '-modcacherw',
      };
      rmSync(join(ws, 'vendor'), { recursive: true });
      commitAll(ws, 'no vendor/', '2024-06-01T12:00:00Z');
      const before = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: ws,
        encoding: 'utf8',
      }).trim();
      // events (which catalog does not import) requires the newer version: the workspace selects it
      appendFileSync(join(ws, 'events/go.mod'), '\nrequire example.com/quote v1.1.0\n');
      writeFileSync(join(ws, 'events/go.sum'), readFileSync(join(QUOTE, 'go.sum')));
      commitAll(ws, 'events requires quote v1.1.0', '2024-06-02T12:00:00Z');
      const job = await Job.create({
        workspace: ws,
        event: { name: 'push', payload: { before, after: 'f'.repeat(40) } },
        env: { ...goEnv(), ...env },
      });
      try {
        const r = await job.uses('actions/affected');
        expect([r.exitCode, r.outputs.services]).toEqual([0, '["catalog"]']);
        expect((JSON.parse(r.outputs.reasons!) as Affected['reasons']).catalog!.chain).toEqual([
          'events/go.mod: example.com/quote none → v1.1.0',
          'example.com/quote',
          'internal/catalog',
          'cmd/catalog',
        ]);
      } finally {
        await job.cleanup();
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('the matrix', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = exampleWorkspace('monorepo');
  });
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  test("a changed file's name is a line of the log, never a workflow command", async () => {
    const before = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: fresh,
      encoding: 'utf8',
    }).trim();
    mkdirSync(join(fresh, 'assets'));
    writeFileSync(join(fresh, 'assets', 'logo\n::error::injected'), 'x');
    commitAll(fresh, 'an asset', '2024-06-01T12:00:00Z');
    const r = await affected(
      { name: 'push', payload: { before, after: 'f'.repeat(40) } },
      { services: 'cmd/billing paths=assets/**\ncmd/orders' },
      fresh,
    );
    expect([r.exitCode, r.services]).toEqual([0, ['billing']]);
    expect(r.reasons.billing!.file).toBe('assets/logo\n::error::injected');
    expect(r.log).toContain('billing: rebuild — assets/logo ::error::injected → a path of billing');
    expect(r.log).not.toMatch(/^::error::/m);
  });

  test('services named and imaged by the input, one entry per platform on its runner', async () => {
    const r = await affected(
      { name: 'schedule', payload: {} },
      {
        services:
          'cmd/billing name=invoices image=registry.example/shop/invoices paths=deploy/billing/**\ncmd/o*',
        images: 'registry.example/shop/{name}',
        runners: 'linux/amd64=ubuntu-24.04\nlinux/arm64=ubuntu-24.04-arm',
      },
      fresh,
    );
    expect(r.exitCode).toBe(0);
    expect(r.services).toEqual(['invoices', 'orders']);
    expect(r.matrix.include).toEqual([
      {
        name: 'invoices',
        dir: 'cmd/billing',
        context: '.',
        main: './cmd/billing',
        image: 'registry.example/shop/invoices',
        platform: 'linux/amd64',
        runner: 'ubuntu-24.04',
      },
      {
        name: 'invoices',
        dir: 'cmd/billing',
        context: '.',
        main: './cmd/billing',
        image: 'registry.example/shop/invoices',
        platform: 'linux/arm64',
        runner: 'ubuntu-24.04-arm',
      },
      {
        name: 'orders',
        dir: 'cmd/orders',
        context: '.',
        main: './cmd/orders',
        image: 'registry.example/shop/orders',
        platform: 'linux/amd64',
        runner: 'ubuntu-24.04',
      },
      {
        name: 'orders',
        dir: 'cmd/orders',
        context: '.',
        main: './cmd/orders',
        image: 'registry.example/shop/orders',
        platform: 'linux/arm64',
        runner: 'ubuntu-24.04-arm',
      },
    ]);
  });
});
