/**
 * The cross-compiling Dockerfile the P1 peers build a service with (buildah, BuildKit): a Go
 * stage `from` the given base line, GOCACHE on a cache mount, GOARCH per target, the binary
 * alone on scratch — the same flags gantry builds with.
 */
export function crossCompileDockerfile(o: { name: string; goroot: string; from: string }): string {
  return `${o.from} AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
ENV GOOS=linux GOARCH=$TARGETARCH
RUN --mount=type=cache,target=/tmp/.cache/go-build ["${o.goroot}/bin/go", "build", "-trimpath", "-tags", "timetzdata", "-ldflags=-s -w", "-o", "/out/${o.name}", "."]
FROM scratch
COPY --from=build /out/${o.name} /usr/local/bin/${o.name}
ENTRYPOINT ["/usr/local/bin/${o.name}"]
`;
}
