import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Cross-compiles a static Go program that prints its GOARCH, for linux/<goarch>. */
export function buildArchProbe(go: string, dir: string, goarch: string, goarm?: string): string {
  writeFileSync(join(dir, 'go.mod'), 'module example.com/probe\n\ngo 1.22\n');
  writeFileSync(
    join(dir, 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() { fmt.Println(runtime.GOARCH) }\n',
  );
  const out = join(dir, `probe-${goarch}`);
  execFileSync(go, ['build', '-trimpath', '-o', out, '.'], {
    cwd: dir,
    env: {
      ...process.env,
      GOOS: 'linux',
      GOARCH: goarch,
      CGO_ENABLED: '0',
      ...(goarm ? { GOARM: goarm } : {}),
      GOFLAGS: '-mod=mod',
    },
  });
  return out;
}
