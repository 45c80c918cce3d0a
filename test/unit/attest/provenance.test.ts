import { createHash } from 'node:crypto';
import { provenanceStatement, publishableLdflags } from '../../../src/attest/provenance.js';
import type { AttestedImage } from '../../../src/attest/subject.js';

const sha = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex')}`;
const TOKEN = 'ghp_notARealTokenButMaskedInTheLog0000';

describe('publishableLdflags', () => {
  it.each([
    [
      ['-s', '-w'],
      ['-s', '-w'],
    ],
    [
      ['-s', '-X', `main.token=${TOKEN}`, '-w'],
      ['-s', '-X', `main.token=${sha(TOKEN)}`, '-w'],
    ],
    [['-X=main.version=1.2.3'], [`-X=main.version=${sha('1.2.3')}`]],
    [
      ['--X', 'a.b=c=d'],
      ['--X', `a.b=${sha('c=d')}`],
    ],
    [
      ['-X', 'main.empty='],
      ['-X', `main.empty=${sha('')}`],
    ],
    [['-X'], ['-X']],
  ])('%j → %j', (given, published) => {
    expect(publishableLdflags(given)).toEqual(published);
  });
});

describe('provenanceStatement', () => {
  it('publishes no -X value: neither the ldflags parameter nor the recorded build settings', () => {
    const image = {
      name: 'ghcr.io/acme/app',
      digest: `sha256:${'a'.repeat(64)}`,
      platform: 'linux/amd64',
      revision: 'b'.repeat(40),
      buildInfo: {
        goVersion: 'go1.23.5',
        path: 'example.com/app',
        deps: [],
        settings: { '-ldflags': `-s -w -X main.token=${TOKEN}`, CGO_ENABLED: '0' },
      },
    } as unknown as AttestedImage;
    const statement = provenanceStatement(
      image,
      {
        repositoryUrl: 'https://github.com/acme/app',
        ref: 'refs/heads/main',
        runUrl: 'r',
        builderId: 'b',
      },
      {
        platforms: ['linux/amd64'],
        main: '.',
        ldflags: ['-s', '-w', '-X', `main.token=${TOKEN}`],
        buildTags: [],
        base: 'scratch',
      },
    );
    const text = JSON.stringify(statement);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain(`main.token=${sha(TOKEN)}`);
    expect(text).toContain('"CGO_ENABLED":"0"');
  });
});
