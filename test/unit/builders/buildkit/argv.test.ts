import {
  buildctlBuildArgs,
  type BuildctlRequest,
  csv,
  outputCsv,
  parseCacheSpec,
} from '../../../../src/builders/buildkit/argv.js';
import { ValidationError } from '../../../../src/runtime/errors.js';

describe('buildctl build argv', () => {
  it('a two-platform push with registry cache, build args, target and a secret, as the documented CLI takes it', () => {
    const argv = buildctlBuildArgs({
      context: '/w/svc',
      dockerfileDir: '/w/svc/build',
      filename: 'Dockerfile.prod',
      platforms: ['linux/amd64', 'linux/arm64'],
      buildArgs: { GO_VERSION: '1.23', LDFLAGS: '-s -w' },
      labels: { 'org.opencontainers.image.revision': 'abc' },
      target: 'runtime',
      secrets: [{ id: 'npmrc', src: '/t/secrets/npmrc' }],
      cacheFrom: [parseCacheSpec('cache-from', 'ghcr.io/acme/api:buildcache')],
      cacheTo: [
        parseCacheSpec('cache-to', 'type=registry,ref=ghcr.io/acme/api:buildcache,mode=max'),
      ],
      output: { kind: 'registry', names: ['ghcr.io/acme/api:1.2.3', 'ghcr.io/acme/api:latest'] },
      metadataFile: '/t/metadata.json',
    });
    expect(argv).toEqual([
      'build',
      '--progress',
      'plain',
      '--frontend',
      'dockerfile.v0',
      '--local',
      'context=/w/svc',
      '--local',
      'dockerfile=/w/svc/build',
      '--opt',
      'filename=Dockerfile.prod',
      '--opt',
      'platform=linux/amd64,linux/arm64',
      '--opt',
      'target=runtime',
      '--opt',
      'build-arg:GO_VERSION=1.23',
      '--opt',
      'build-arg:LDFLAGS=-s -w',
      '--opt',
      'label:org.opencontainers.image.revision=abc',
      '--secret',
      'id=npmrc,src=/t/secrets/npmrc',
      '--import-cache',
      'type=registry,ref=ghcr.io/acme/api:buildcache',
      '--export-cache',
      'type=registry,ref=ghcr.io/acme/api:buildcache,mode=max',
      '--output',
      'type=image,"name=ghcr.io/acme/api:1.2.3,ghcr.io/acme/api:latest",push=true,oci-mediatypes=true,rewrite-timestamp=true',
      '--metadata-file',
      '/t/metadata.json',
    ]);
  });

  it('with push: false writes an OCI layout directory, and pushes by digest for a matrix', () => {
    expect(outputCsv({ kind: 'oci-layout', dest: '/t/layout' })).toBe(
      'type=oci,dest=/t/layout,tar=false,oci-mediatypes=true,rewrite-timestamp=true',
    );
    expect(outputCsv({ kind: 'registry', names: ['ghcr.io/acme/api'], pushByDigest: true })).toBe(
      'type=image,name=ghcr.io/acme/api,push=true,push-by-digest=true,name-canonical=true,oci-mediatypes=true,rewrite-timestamp=true',
    );
  });

  it('asks the exporter for a compression only when one was given', () => {
    expect(
      outputCsv({ kind: 'registry', names: ['ghcr.io/acme/api'] }, [], undefined, {
        type: 'zstd',
        level: 3,
      }),
    ).toBe(
      'type=image,name=ghcr.io/acme/api,push=true,oci-mediatypes=true,rewrite-timestamp=true,compression=zstd,compression-level=3',
    );
    expect(outputCsv({ kind: 'registry', names: ['ghcr.io/acme/api'] })).not.toContain(
      'compression',
    );
  });

  it('annotates each platform image and the index; one platform uses the plain form', () => {
    const annotations = {
      manifests: {
        'linux/amd64': { 'org.opencontainers.image.base.digest': 'sha256:aa' },
        'linux/arm64': { 'org.opencontainers.image.base.digest': 'sha256:bb' },
      },
      index: { 'dev.gantry.base.stages': '[{"stage":"build","name":"x"}]' },
    };
    const out = { kind: 'oci-layout', dest: '/t/l' } as const;
    expect(outputCsv(out, ['linux/amd64', 'linux/arm64'], annotations)).toBe(
      'type=oci,dest=/t/l,tar=false,oci-mediatypes=true,rewrite-timestamp=true,' +
        'annotation[linux/amd64].org.opencontainers.image.base.digest=sha256:aa,' +
        'annotation[linux/arm64].org.opencontainers.image.base.digest=sha256:bb,' +
        '"annotation-index.dev.gantry.base.stages=[{""stage"":""build"",""name"":""x""}]"',
    );
    expect(
      outputCsv(out, ['linux/amd64'], {
        manifests: { 'linux/amd64': annotations.manifests['linux/amd64'] },
        index: annotations.index,
      }),
    ).toBe(
      'type=oci,dest=/t/l,tar=false,oci-mediatypes=true,rewrite-timestamp=true,' +
        'annotation.org.opencontainers.image.base.digest=sha256:aa',
    );
  });

  it("asks BuildKit for its own SBOM and provenance only when told to, as buildx's --sbom/--provenance do", () => {
    const request = {
      context: '/w',
      dockerfileDir: '/w',
      filename: 'Dockerfile',
      platforms: ['linux/amd64'],
      buildArgs: {},
      labels: {},
      secrets: [],
      cacheFrom: [],
      cacheTo: [],
      output: { kind: 'oci-layout', dest: '/t/l' } as const,
      metadataFile: '/t/m.json',
    };
    const opts = (argv: string[]) => argv.filter((a, i) => argv[i - 1] === '--opt');
    expect(opts(buildctlBuildArgs(request)).filter((o) => o.startsWith('attest:'))).toEqual([]);
    const attest = (a: BuildctlRequest['attest']) =>
      opts(buildctlBuildArgs({ ...request, attest: a })).filter((o) => o.startsWith('attest:'));
    // min by default: max publishes every build-arg value, so only an explicit choice asks for it
    expect(attest({ sbom: true, provenance: 'min' })).toEqual([
      'attest:sbom=',
      'attest:provenance=mode=min',
    ]);
    expect(attest({ sbom: false, provenance: 'max' })).toEqual(['attest:provenance=mode=max']);
    expect(attest({ sbom: true, provenance: false })).toEqual(['attest:sbom=']);
  });

  it('quotes CSV fields as Go encoding/csv reads them', () => {
    expect(csv(['a=1', 'b=x,y', 'c="q"'])).toBe('a=1,"b=x,y","c=""q"""');
  });

  it('reads cache specs, filling gha from the runner environment', () => {
    expect(parseCacheSpec('cache-to', 'type=local,dest=/tmp/c')).toEqual({
      type: 'local',
      dest: '/tmp/c',
    });
    expect(
      parseCacheSpec('cache-from', 'type=gha', {
        ACTIONS_CACHE_URL: 'https://c/',
        ACTIONS_RUNTIME_TOKEN: 'tok',
        ACTIONS_RESULTS_URL: 'https://r/',
      }),
    ).toEqual({
      type: 'gha',
      url: 'https://c/',
      url_v2: 'https://r/',
      token: 'tok',
      scope: 'buildkit',
    });
    expect(() => parseCacheSpec('cache-from', 'type=gha', {})).toThrow(
      'no runtime token in this environment',
    );
    expect(() => parseCacheSpec('cache-to', 'type=s4,bucket=x')).toThrow(ValidationError);
    expect(() => parseCacheSpec('cache-to', 'type=local,junk')).toThrow(
      'field "junk" is not key=value',
    );
  });
});
