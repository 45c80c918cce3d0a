import { ValidationError } from '../../../src/runtime/errors.js';
import {
  buildkitdToml,
  checkRegistryHost,
  connectionArgs,
  parseWorkers,
} from '../../../src/tools/buildkit/config.js';

describe('buildkit config', () => {
  it('writes mirrors, insecure registries and raw config', () => {
    expect(
      buildkitdToml({
        insecureRegistries: ['registry.local:5000'],
        mirrors: ['mirror.gcr.io'],
        raw: '[worker.oci]\n  max-parallelism = 4',
      }),
    ).toBe(
      '# written by gantry setup-buildkit\n[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]\n\n[registry."registry.local:5000"]\n  http = true\n  insecure = true\n\n[worker.oci]\n  max-parallelism = 4\n\n',
    );
    expect(buildkitdToml({ insecureRegistries: [], mirrors: [], raw: '' })).toBe(
      '# written by gantry setup-buildkit\n',
    );
  });

  it('accepts registry hosts only', () => {
    expect(checkRegistryHost('insecure-registries', '127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(() => checkRegistryHost('insecure-registries', 'http://r:5000')).toThrow(
      ValidationError,
    );
    expect(() => checkRegistryHost('mirrors', 'r/x')).toThrow('Input "mirrors"');
  });

  it('reads worker platforms as buildctl prints them', () => {
    const json =
      '[{"id":"w1","labels":{},"platforms":[{"architecture":"amd64","os":"linux"},{"architecture":"arm","os":"linux","variant":"v7"}]}]';
    expect(parseWorkers(json)).toEqual([{ platforms: ['linux/amd64', 'linux/arm/v7'] }]);
    expect(
      parseWorkers('{"platforms":[{"architecture":"arm64","os":"linux"}]}\n{"platforms":[]}'),
    ).toEqual([{ platforms: ['linux/arm64'] }, { platforms: [] }]);
    expect(parseWorkers('')).toEqual([]);
  });

  it('builds connection flags', () => {
    expect(connectionArgs('unix:///run/buildkit/buildkitd.sock')).toEqual([
      '--addr',
      'unix:///run/buildkit/buildkitd.sock',
    ]);
    expect(connectionArgs('tcp://bk:1234', { ca: 'ca.pem', cert: 'c.pem', key: 'k.pem' })).toEqual([
      '--addr',
      'tcp://bk:1234',
      '--tlscacert',
      'ca.pem',
      '--tlscert',
      'c.pem',
      '--tlskey',
      'k.pem',
    ]);
  });
});
