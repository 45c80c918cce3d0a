import { parseBuildctlMetadata } from '../../../src/builders/buildkit/metadata.js';
import { packBuildArgs, platformTag } from '../../../src/builders/pack/argv.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('buildctl --metadata-file', () => {
  it('reads containerimage.digest, else the descriptor digest', () => {
    expect(parseBuildctlMetadata(JSON.stringify({ 'containerimage.digest': D }))).toBe(D);
    expect(
      parseBuildctlMetadata(JSON.stringify({ 'containerimage.descriptor': { digest: D } })),
    ).toBe(D);
  });
  it('fails clearly without a digest or without JSON', () => {
    expect(() => parseBuildctlMetadata('{"buildx.build.ref":"x"}')).toThrow(/no image digest/);
    expect(() => parseBuildctlMetadata('not json')).toThrow(/not JSON/);
  });
});

describe('pack build argv (pack 0.3x)', () => {
  it('publishes one platform with builder, trust and env', () => {
    expect(
      packBuildArgs({
        image: 'ghcr.io/acme/api:v1-linux-arm64',
        path: '/src',
        platform: { os: 'linux', architecture: 'arm64' },
        builder: 'paketobuildpacks/builder-jammy-tiny',
        env: { BP_GO_TARGETS: './cmd/api', BP_KEEP_FILES: 'static/*' },
        trustBuilder: true,
      }),
    ).toEqual([
      'build',
      'ghcr.io/acme/api:v1-linux-arm64',
      '--path',
      '/src',
      '--publish',
      '--platform',
      'linux/arm64',
      '--builder',
      'paketobuildpacks/builder-jammy-tiny',
      '--trust-builder',
      '--env',
      'BP_GO_TARGETS=./cmd/api',
      '--env',
      'BP_KEEP_FILES=static/*',
    ]);
  });
  it('names per-platform tags after the tag and platform, within 128 characters', () => {
    expect(platformTag('v1', { os: 'linux', architecture: 'arm', variant: 'v7' })).toBe(
      'v1-linux-arm-v7',
    );
    expect(platformTag('x'.repeat(127), { os: 'linux', architecture: 'amd64' })).toHaveLength(128);
  });
});
