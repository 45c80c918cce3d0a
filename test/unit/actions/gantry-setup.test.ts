import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builderSetup } from '../../../src/actions/gantry/setup.js';

let ws: string;
const saved = { ...process.env };

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'gantry-setup-'));
  process.env.GITHUB_WORKSPACE = ws;
  delete process.env.BUILDKIT_HOST;
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
});

afterEach(() => {
  process.env = { ...saved };
  rmSync(ws, { recursive: true, force: true });
});

/** The root's inputs as the runner gives them, and where buildctl's default socket would be. */
function given(inputs: Record<string, string>, files: Record<string, string> = {}) {
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, text] of Object.entries(files)) writeFileSync(join(ws, name), text);
  return join(ws, 'no-buildkitd.sock');
}

const host = process.arch === 'x64' ? 'linux/amd64' : process.arch === 'arm64' ? 'linux/arm64' : '';
const foreign = host === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';
const maybe = host ? it : it.skip;

describe("the root's setup for its builder", () => {
  it('sets up nothing for the go builder, chosen or found (a go.mod and no Dockerfile)', async () => {
    const socket = given(
      { builder: 'auto', platforms: `${host},${foreign}` },
      {
        'go.mod': 'module example.com/app\n',
      },
    );
    expect(await builderSetup(process.env, socket)).toMatchObject({ buildkit: false, qemu: [] });
  });

  maybe(
    "starts BuildKit for a Dockerfile, with QEMU first for the platforms that are not this runner's",
    async () => {
      const socket = given({ platforms: `${host},${foreign}` }, { Dockerfile: 'FROM scratch\n' });
      const setup = await builderSetup(process.env, socket);
      expect(setup).toMatchObject({ buildkit: true, qemu: [foreign] });
      expect(setup.reason).toContain(`${foreign} emulated`);
      given({ platforms: host });
      expect(await builderSetup(process.env, socket)).toMatchObject({ buildkit: true, qemu: [] });
    },
  );

  it('uses a BuildKit that is already there: BUILDKIT_HOST, or a daemon at the default socket', async () => {
    const socket = given({ builder: 'buildkit', platforms: `${host},${foreign}` });
    expect((await builderSetup(process.env, socket)).buildkit).toBe(true);
    expect(
      await builderSetup({ ...process.env, BUILDKIT_HOST: 'tcp://127.0.0.1:1234' }, socket),
    ).toMatchObject({ buildkit: false, qemu: [] });
    writeFileSync(socket, '');
    expect(await builderSetup(process.env, socket)).toMatchObject({ buildkit: false, qemu: [] });
  });

  it('checks a buildkit-endpoint given, and emulates nothing on this runner for it', async () => {
    const socket = given({
      builder: 'buildkit',
      platforms: `${host},${foreign}`,
      'buildkit-endpoint': 'tcp://127.0.0.1:1234',
    });
    expect(
      await builderSetup({ ...process.env, BUILDKIT_HOST: 'unix:///elsewhere.sock' }, socket),
    ).toMatchObject({ buildkit: true, qemu: [], reason: 'BuildKit at tcp://127.0.0.1:1234' });
  });

  it("leaves build inputs that do not read to the build stage's error", async () => {
    const socket = given({ builder: 'buildkit', platforms: 'linux/nonsense' });
    expect(await builderSetup(process.env, socket)).toMatchObject({ buildkit: false });
  });
});
