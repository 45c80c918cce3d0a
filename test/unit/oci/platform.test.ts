import { InvalidPlatformError } from '../../../src/oci/errors.js';
import { formatPlatform, parsePlatform, platformsMatch } from '../../../src/oci/platform.js';

describe('platforms', () => {
  it.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['linux/x86_64', 'linux/amd64'],
    ['Linux/AMD64', 'linux/amd64'],
    ['windows/amd64', 'windows/amd64'],
  ])('normalises %s to %s', (input, out) => {
    expect(formatPlatform(parsePlatform(input))).toBe(out);
  });

  it.each(['linux', 'linux/foo', 'plan10/amd64', 'linux/arm/seven', 'linux//amd64', 'a/b/c/d'])(
    'rejects %s',
    (input) => {
      expect(() => parsePlatform(input)).toThrow(InvalidPlatformError);
    },
  );

  it('matches after normalisation', () => {
    expect(
      platformsMatch(
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
        { os: 'linux', architecture: 'arm64' },
      ),
    ).toBe(true);
    expect(
      platformsMatch(
        { os: 'linux', architecture: 'arm' },
        { os: 'linux', architecture: 'arm', variant: 'v6' },
      ),
    ).toBe(false);
  });
});
