import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTimeline } from '../../src/runtime/timeline.js';
import { QEMU_ARCHES } from '../../src/tools/qemu/arches.js';
import { releasePlatform } from '../../src/tools/pinned.js';
import { Job, runAction } from '../harness/runner.js';
import {
  BINFMT_ROOT,
  BinfmtSnapshot,
  debianBinfmtField,
  isMounted,
  readEntry,
  removeEntry,
} from './support/binfmt.js';
import { buildArchProbe } from './support/go.js';
import { startServer, type TestServer } from './support/http.js';
import { requireGo, requireProgram, requireRoot } from './support/require.js';

const ACTION = 'actions/setup-qemu';
const USED = ['qemu-aarch64', 'qemu-riscv64', 'qemu-arm', 'qemu-s390x'];

let snapshot: BinfmtSnapshot;
let work: string;
let probeArm64: string;
let probeRiscv64: string;
let qemuAarch64Static: string;

function timelineOf(job: Job) {
  return readTimeline(join(job.runnerTemp, 'gantry', 'timeline.jsonl'));
}

function runProbe(binary: string): string {
  return execFileSync(binary, { encoding: 'utf8' }).trim();
}

beforeAll(() => {
  requireRoot('it registers handlers in the kernel binfmt_misc');
  qemuAarch64Static = requireProgram('qemu-aarch64-static', 'qemu-user-static');
  requireProgram('qemu-riscv64-static', 'qemu-user-static');
  const go = requireGo();
  snapshot = BinfmtSnapshot.take();
  if (!isMounted()) execFileSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT_ROOT]);
  work = mkdtempSync(join(tmpdir(), 'setup-qemu-it-'));
  mkdirSync(join(work, 'probe'));
  probeArm64 = buildArchProbe(go, join(work, 'probe'), 'arm64');
  probeRiscv64 = buildArchProbe(go, join(work, 'probe'), 'riscv64');
});

afterAll(() => {
  USED.forEach(removeEntry);
  snapshot?.restore();
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => USED.forEach(removeEntry));

describe('setup-qemu with the machine emulators (qemu: system)', () => {
  it('registers aarch64 and riscv64 with the F flag; a cross-compiled Go program runs; a second run is a no-op', async () => {
    const job = await Job.create();
    try {
      const first = await job.uses(ACTION, {
        with: { platforms: 'arm64,linux/riscv64', qemu: 'system' },
      });
      expect(first.errors).toEqual([]);
      expect(first.exitCode).toBe(0);
      expect(first.outputs.source).toBe('system');
      expect((first.outputs.platforms ?? '').split(',')).toEqual(
        expect.arrayContaining(['linux/arm64', 'linux/riscv64']),
      );

      const entry = readEntry('qemu-aarch64') ?? '';
      expect(entry.split('\n')[0]).toBe('enabled');
      expect(entry).toContain(`interpreter ${qemuAarch64Static}`);
      expect(entry).toMatch(/^flags: F$/m);
      expect(runProbe(probeArm64)).toBe('arm64');
      expect(runProbe(probeRiscv64)).toBe('riscv64');

      const second = await job.uses(ACTION, {
        with: { platforms: 'arm64,linux/riscv64', qemu: 'system' },
      });
      expect(second.exitCode).toBe(0);
      expect(second.outputs.source).toBe('none');
      expect(second.outputs.platforms).toBe(first.outputs.platforms);
      expect(readEntry('qemu-aarch64')).toBe(entry);

      const phases = timelineOf(job).map((p) => p.phase);
      // first run: check, install, register; second run: check only
      expect(phases).toEqual(['check', 'install', 'register', 'check']);
      expect(timelineOf(job)[2]?.attrs.registered).toEqual(['aarch64', 'riscv64']);
      expect(timelineOf(job)[3]?.attrs.present).toEqual(['aarch64', 'riscv64']);
    } finally {
      await job.cleanup();
    }
  });

  it('keeps a working entry it did not make, and replaces it with reset: true', async () => {
    const mine = join(work, 'other-qemu-aarch64');
    copyFileSync(qemuAarch64Static, mine);
    const arch = QEMU_ARCHES.find((a) => a.qemu === 'aarch64')!;
    execFileSync('sh', [
      '-c',
      `printf '%s' '${`:qemu-aarch64:M:0:${arch.magic}:${arch.mask}:${mine}:F`}' > ${BINFMT_ROOT}/register`,
    ]);
    const job = await Job.create();
    try {
      const kept = await job.uses(ACTION, { with: { platforms: 'arm64', qemu: 'system' } });
      expect(kept.outputs.source).toBe('none');
      expect(readEntry('qemu-aarch64')).toContain(`interpreter ${mine}`);

      const reset = await job.uses(ACTION, {
        with: { platforms: 'arm64', qemu: 'system', reset: 'true' },
      });
      expect(reset.exitCode).toBe(0);
      expect(reset.outputs.source).toBe('system');
      expect(readEntry('qemu-aarch64')).toContain(`interpreter ${qemuAarch64Static}`);
      expect(runProbe(probeArm64)).toBe('arm64');
    } finally {
      await job.cleanup();
    }
  });

  it('registers with the P flag when asked', async () => {
    const { job, main } = await runAction(ACTION, {
      with: { platforms: 'arm64', qemu: 'system', 'preserve-argv0': 'true' },
    });
    try {
      expect(main.exitCode).toBe(0);
      expect(readEntry('qemu-aarch64')).toMatch(/^flags: PF$/m);
      expect(runProbe(probeArm64)).toBe('arm64');
    } finally {
      await job.cleanup();
    }
  });
});

describe('setup-qemu from a release archive (qemu: release)', () => {
  let server: TestServer;
  let archive: Buffer;
  let sha256: string;
  const platform = releasePlatform();
  const route = `/tonistiigi/binfmt/releases/download/deploy/v10.2.3-68/qemu_v10.2.3_${platform}.tar.gz`;

  beforeAll(async () => {
    // The tonistiigi/binfmt layout: qemu-<arch> at the archive root (built from Debian's static emulators).
    const layout = join(work, 'release');
    mkdirSync(layout);
    for (const q of ['aarch64', 'riscv64', 'arm', 's390x'])
      copyFileSync(
        requireProgram(`qemu-${q}-static`, 'qemu-user-static'),
        join(layout, `qemu-${q}`),
      );
    const tarball = join(work, 'qemu.tar.gz');
    execFileSync('tar', ['czf', tarball, '-C', layout, ...readdirSync(layout)]);
    archive = readFileSync(tarball);
    sha256 = createHash('sha256').update(archive).digest('hex');
    server = await startServer();
    server.routes.set(route, { body: archive });
  });

  afterAll(() => server?.close());

  it('downloads, verifies, caches and registers; a second job hits the tool cache', async () => {
    const toolCache = join(work, 'toolcache-ok');
    const inputs = {
      platforms: 'arm64,arm',
      qemu: 'release',
      mirror: server.url,
      checksum: sha256,
    };
    const first = await runAction(ACTION, { with: inputs, toolCache });
    try {
      expect(first.main.errors).toEqual([]);
      expect(first.main.outputs.source).toBe('release');
      const toolDir = join(toolCache, 'binfmt-qemu', '10.2.3-68', platform.replace('linux-', ''));
      expect(first.main.path).toEqual([toolDir]);
      expect(readEntry('qemu-aarch64')).toContain(`interpreter ${join(toolDir, 'qemu-aarch64')}`);
      expect(readEntry('qemu-arm')).toMatch(/^flags: F$/m);
      expect(runProbe(probeArm64)).toBe('arm64');
      expect(server.requests.filter((r) => r === `GET ${route}`)).toHaveLength(1);
      expect(timelineOf(first.job).find((p) => p.phase === 'install')?.attrs).toMatchObject({
        source: 'release',
        cache: 'miss',
      });
    } finally {
      await first.job.cleanup();
    }

    const second = await runAction(ACTION, { with: { ...inputs, reset: 'true' }, toolCache });
    try {
      expect(second.main.exitCode).toBe(0);
      expect(server.requests.filter((r) => r === `GET ${route}`)).toHaveLength(1);
      expect(timelineOf(second.job).find((p) => p.phase === 'install')?.attrs).toMatchObject({
        cache: 'hit',
      });
    } finally {
      await second.job.cleanup();
    }
  });

  const badChecksums: [string, Record<string, string>][] = [
    ['a wrong checksum input', { checksum: 'ab'.repeat(32) }],
  ];
  // the default release has a pinned sha256 for linux-amd64; the archive served here is not it
  if (platform === 'linux-amd64') badChecksums.push(['the pinned checksum', {}]);

  it.each(badChecksums)(
    'fails on %s and leaves nothing in the tool cache, on PATH or in binfmt_misc',
    async (_, extra) => {
      const toolCache = join(work, `toolcache-bad-${Date.now()}`);
      const { job, main } = await runAction(ACTION, {
        with: { platforms: 'arm64', qemu: 'release', mirror: server.url, ...extra },
        toolCache,
      });
      try {
        expect(main.exitCode).toBe(1);
        expect(main.errors).toHaveLength(1);
        expect(main.errors[0]).toMatch(
          /^Checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/tonistiigi\/binfmt\/releases\/download\/deploy%2Fv10\.2\.3-68\/.*: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; nothing was installed$/,
        );
        expect(existsSync(join(toolCache, 'binfmt-qemu'))).toBe(false);
        expect(main.path).toEqual([]);
        expect(readEntry('qemu-aarch64')).toBeUndefined();
        expect(
          readdirSync(job.runnerTemp).filter(
            (f) => !['gantry'].includes(f) && !f.startsWith('step-'),
          ),
        ).toEqual([]);
      } finally {
        await job.cleanup();
      }
    },
  );

  it('says which checksum to give when no pinned one exists', async () => {
    const { job, main } = await runAction(ACTION, {
      with: { platforms: 'arm64', qemu: 'release', mirror: server.url, version: 'v9.9.9-1' },
    });
    try {
      expect(main.exitCode).toBe(1);
      expect(main.errors[0]).toMatch(
        /^Input "checksum": binfmt-qemu deploy\/v9\.9\.9-1 has no pinned checksum and no checksum file for linux-\w+; got ""; accepted: the sha256 of the release asset$/,
      );
      expect(server.requests.some((r) => r.includes('v9.9.9'))).toBe(false);
    } finally {
      await job.cleanup();
    }
  });
});

describe('setup-qemu input errors', () => {
  it.each([
    [
      { platforms: 'linux/foo' },
      'Input "platforms": unknown platform; got "linux/foo"; accepted: all, or a list of amd64, arm64',
    ],
    [{ platforms: 'sparc9' }, 'Input "platforms": unknown platform; got "sparc9"'],
    [{ qemu: 'maybe' }, 'Input "qemu": got "maybe"; accepted: auto | system | release'],
    [{ reset: 'yes' }, 'Input "reset": got "yes"; accepted: true | false'],
    [
      { mirror: 'http://mirror.example' },
      'Input "mirror": got "http://mirror.example"; accepted: an https:// URL',
    ],
    [{ version: 'latest' }, 'Input "version": got "latest"'],
  ])('%j fails with one line naming the input and accepted values', async (inputs, message) => {
    const { job, main } = await runAction(ACTION, { with: inputs });
    try {
      expect(main.exitCode).toBe(1);
      expect(main.errors).toHaveLength(1);
      expect(main.errors[0]).toContain(message);
      expect(main.errors[0]).not.toContain('\n');
      expect(main.stdout + main.stderr).not.toMatch(/^\s+at /m);
      expect(readEntry('qemu-aarch64')).toBeUndefined();
    } finally {
      await job.cleanup();
    }
  });
});

describe('setup-qemu on a host that already has handlers', () => {
  /** As Debian's qemu-user-static registers them (update-binfmts), with the given interpreter and flags. */
  function registerAsDebian(qemu: string, interpreter: string, flags: string): void {
    const field = debianBinfmtField(qemu);
    const line = `:qemu-${qemu}:M:${field('offset') || '0'}:${field('magic')}:${field('mask')}:${interpreter}:${flags}`;
    execFileSync('sh', ['-c', `printf '%s' '${line}' > ${BINFMT_ROOT}/register`]);
  }

  it("keeps aarch64 (F, the static emulator) and riscv64 (PF, Debian's -P wrapper) as they are, and the programs run", async () => {
    const riscvP = '/usr/libexec/qemu-binfmt/riscv64-binfmt-P';
    if (!existsSync(riscvP)) throw new Error(`${riscvP} is missing: install qemu-user-static`);
    registerAsDebian('aarch64', qemuAarch64Static, 'F');
    registerAsDebian('riscv64', riscvP, 'PF');
    const before = [readEntry('qemu-aarch64'), readEntry('qemu-riscv64')];
    const { job, main } = await runAction(ACTION, {
      with: { platforms: 'arm64,riscv64', qemu: 'system' },
    });
    try {
      expect(main.errors).toEqual([]);
      expect(main.outputs.source).toBe('none');
      expect([readEntry('qemu-aarch64'), readEntry('qemu-riscv64')]).toEqual(before);
      expect(before[1]).toMatch(/^flags: PF$/m);
      expect(runProbe(probeArm64)).toBe('arm64');
      expect(runProbe(probeRiscv64)).toBe('riscv64');
      expect(timelineOf(job).map((p) => p.phase)).toEqual(['check']);
    } finally {
      await job.cleanup();
    }
  });
});

describe('the magic table', () => {
  it('matches the handlers Debian ships in /usr/share/binfmts', () => {
    requireProgram('qemu-aarch64-static', 'qemu-user-static');
    const toBytes = (s: string) =>
      Buffer.from(
        s.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('hex');
    let compared = 0;
    for (const arch of QEMU_ARCHES) {
      const file = `/usr/share/binfmts/qemu-${arch.qemu}`;
      if (!existsSync(file)) continue;
      const field = debianBinfmtField(arch.qemu);
      expect([arch.qemu, toBytes(arch.magic)]).toEqual([arch.qemu, toBytes(field('magic'))]);
      expect([arch.qemu, toBytes(arch.mask)]).toEqual([arch.qemu, toBytes(field('mask'))]);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(7);
  });
});
