import {
  finalStage,
  parseStages,
  rootImage,
  substitute,
} from '../../../../src/builders/buildkit/dockerfile.js';

const MULTI = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.23
ARG REGISTRY
FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-bookworm AS Build
WORKDIR /src
RUN go build -o /out/app .

FROM build AS test
RUN go test ./...

FROM \${REGISTRY:-gcr.io}/distroless/static:nonroot \\
  AS final
COPY --from=build /out/app /app

from scratch as empty
FROM final
`;

describe('parseStages', () => {
  it('reads every stage, its name and its base, with global ARGs and build args', () => {
    expect(parseStages(MULTI)).toEqual([
      {
        index: 0,
        name: 'build',
        base: 'golang:1.23-bookworm',
        kind: 'image',
        platform: { kind: 'build' },
      },
      { index: 1, name: 'test', base: 'build', kind: 'stage' },
      { index: 2, name: 'final', base: 'gcr.io/distroless/static:nonroot', kind: 'image' },
      { index: 3, name: 'empty', base: 'scratch', kind: 'scratch' },
      { index: 4, base: 'final', kind: 'stage' },
    ]);
    const args = { GO_VERSION: '1.24', REGISTRY: 'registry.local:5000' };
    expect(parseStages(MULTI, args).map((s) => s.base)).toEqual([
      'golang:1.24-bookworm',
      'build',
      'registry.local:5000/distroless/static:nonroot',
      'scratch',
      'final',
    ]);
  });

  it('finds the built stage and the image it stands on', () => {
    const stages = parseStages(MULTI);
    expect(rootImage(stages, finalStage(stages))).toBe('gcr.io/distroless/static:nonroot');
    expect(rootImage(stages, finalStage(stages, 'TEST'))).toBe('golang:1.23-bookworm');
    expect(rootImage(stages, finalStage(stages, 'empty'))).toBeUndefined();
    expect(finalStage(stages, 'nope')).toBeUndefined();
  });

  it('reads what --platform asks for: BuildKit’s own, a named one, or each target', () => {
    const stages = parseStages(
      [
        'ARG ARM=linux/arm64',
        'FROM --platform=${BUILDPLATFORM} golang:1.23 AS a',
        'FROM --platform=$BUILDOS/$BUILDARCH golang:1.23 AS b',
        'FROM --platform=$ARM alpine AS c',
        'FROM --platform=$TARGETPLATFORM alpine AS d',
        'FROM --platform=$TARGETOS/$TARGETARCH alpine AS e',
        'FROM alpine AS f',
      ].join('\n'),
    );
    expect(stages.map((s) => [s.name, s.platform])).toEqual([
      ['a', { kind: 'build' }],
      ['b', { kind: 'build' }],
      ['c', { kind: 'named', platform: 'linux/arm64' }],
      ['d', undefined],
      ['e', undefined],
      ['f', undefined],
    ]);
    expect(stages.map((s) => s.base)).toEqual([
      'golang:1.23',
      'golang:1.23',
      'alpine',
      'alpine',
      'alpine',
      'alpine',
    ]);
  });

  it('substitutes as the frontend does', () => {
    const vars = { A: 'x', E: '' };
    expect(substitute('$A/${A}/${B:-d}/${A:-d}/${A:+alt}/${B:+alt}/${E:-empty}', vars)).toBe(
      'x/x/d/x/alt//empty',
    );
  });
});
