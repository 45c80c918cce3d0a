import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildIndex } from '../../src/oci/index.js';
import { OciLayout } from '../../src/oci/layout.js';
import { publish } from '../../src/publish/publish.js';
import { LayoutTarget } from '../../src/publish/target.js';
import { makeImage, type TestImage } from './support/image.js';
import { requireProgram } from './support/require.js';

const run = promisify(execFile);
let work: string;
let amd64: TestImage;
let arm64: TestImage;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'layout-it-'));
  mkdirSync(join(work, 'amd64'));
  mkdirSync(join(work, 'arm64'));
  amd64 = makeImage(join(work, 'amd64'), { os: 'linux', architecture: 'amd64' }, [
    { hello: 'amd64 binary' },
  ]);
  arm64 = makeImage(join(work, 'arm64'), { os: 'linux', architecture: 'arm64' }, [
    { hello: 'arm64 binary' },
  ]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('images written to an OCI layout', () => {
  it('pass skopeo and umoci: the index reads back, and each platform image unpacks', async () => {
    const skopeo = requireProgram('skopeo', 'skopeo');
    const umoci = requireProgram('umoci', 'umoci');
    const dir = join(work, 'layout');
    const layout = new OciLayout(dir);
    await layout.init();
    const target = new LayoutTarget(layout);
    const { blob } = buildIndex([amd64.descriptor, arm64.descriptor]);
    await publish(target, [amd64, arm64], blob, ['v1']);
    // single-platform names so umoci (which unpacks image manifests) can open each
    await target.putManifest(amd64.manifest, 'v1-amd64');
    await target.putManifest(arm64.manifest, 'v1-arm64');

    const raw = (await run(skopeo, ['inspect', '--raw', `oci:${dir}:v1`], { encoding: 'buffer' }))
      .stdout;
    expect(raw.equals(blob.bytes)).toBe(true);
    const inspected = JSON.parse(
      (await run(skopeo, ['inspect', `oci:${dir}:v1-arm64`])).stdout,
    ) as { Architecture: string; Os: string };
    expect(inspected).toMatchObject({ Architecture: 'arm64', Os: 'linux' });

    const bundle = join(work, 'bundle');
    await run(umoci, ['unpack', '--rootless', '--image', `${dir}:v1-amd64`, bundle]);
    expect(readFileSync(join(bundle, 'rootfs', 'hello'), 'utf8')).toBe('amd64 binary');
    const stat = (await run(umoci, ['stat', '--json', '--image', `${dir}:v1-arm64`])).stdout;
    expect(JSON.parse(stat)).toHaveProperty('history');

    // an identical publish writes nothing new
    const again = await publish(target, [amd64, arm64], blob, ['v1']);
    expect(again.bytesUploaded).toBe(0);
  });
});
