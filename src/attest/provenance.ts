import { createHash } from 'node:crypto';
import type { GitContext } from '../github/context.js';
import { compiled, ociPurl, type AttestedImage } from './subject.js';

export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** What the build was: gantry's go builder (a URN: the product's home is wherever it is forked). */
export const GO_BUILD_TYPE = 'urn:gantry:buildtype:go:v1';

/** Where and how the build ran, from the GitHub context (absent outside Actions). */
export interface BuildRun {
  /** https://github.com/owner/repo */
  repositoryUrl: string;
  /** refs/heads/main, refs/tags/v1.2.3, … */
  ref: string;
  /** …/actions/runs/<id>/attempts/<n>: the invocation. */
  runUrl: string;
  /** The builder: the workflow file at its ref (https://github.com/owner/repo/.github/workflows/x.yml@ref). */
  builderId: string;
}

/** Where the build ran, for provenance: the workflow (builder) and this run (invocation). */
export function buildRun(git: GitContext): BuildRun {
  const server = git.serverUrl.replace(/\/+$/, '');
  const repositoryUrl = `${server}/${git.repository}`;
  const runUrl = `${repositoryUrl}/actions/runs/${process.env.GITHUB_RUN_ID ?? '0'}/attempts/${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  const workflowRef = process.env.GITHUB_WORKFLOW_REF;
  return {
    repositoryUrl,
    ref: git.ref,
    runUrl,
    builderId: workflowRef ? `${server}/${workflowRef}` : runUrl,
  };
}

/**
 * The parameters that shaped the image (build-push's inputs that change its bytes). Not the tags:
 * where an image is published is not how it was built, and the same build under another tag has
 * the same statement, which the registry then has already.
 */
export interface BuildParameters {
  platforms: string[];
  main: string;
  ldflags: string[];
  buildTags: string[];
  base: string;
}

/**
 * ldflags as a provenance statement may publish them: every `-X name=value` (also `-X=name=value`)
 * keeps its name and says its value only as `sha256:<hex>` — values set with -X are where
 * versions, and too often tokens, go; the hash still tells two builds apart.
 */
export function publishableLdflags(words: readonly string[]): string[] {
  const hashed = (assignment: string) => {
    const eq = assignment.indexOf('=');
    if (eq < 0) return assignment;
    const value = assignment.slice(eq + 1);
    return `${assignment.slice(0, eq)}=sha256:${createHash('sha256').update(value).digest('hex')}`;
  };
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flag = /^--?X(=(.*))?$/s.exec(w);
    if (!flag) out.push(w);
    else if (flag[1] !== undefined) out.push(`${w.slice(0, w.indexOf('='))}=${hashed(flag[2]!)}`);
    else {
      out.push(w);
      if (i + 1 < words.length) out.push(hashed(words[++i]!));
    }
  }
  return out;
}

/**
 * An in-toto Statement v1 with a SLSA v1 provenance predicate for one platform image: the builder
 * (the workflow run), the source (repository, commit), the parameters that matter, and what was
 * resolved (the commit, the base by digest, the Go toolchain, every module by checksum).
 */
export function provenanceStatement(
  image: AttestedImage,
  run: BuildRun,
  parameters: BuildParameters,
): object {
  const info = image.buildInfo;
  const arch = image.platform.split('/')[1];
  return {
    _type: IN_TOTO_STATEMENT,
    subject: [{ name: image.name, digest: { sha256: image.digest.slice('sha256:'.length) } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: GO_BUILD_TYPE,
        externalParameters: {
          source: { repository: run.repositoryUrl, ref: run.ref },
          platform: image.platform,
          ...parameters,
          ldflags: publishableLdflags(parameters.ldflags),
        },
        internalParameters: {
          goVersion: info.goVersion,
          buildSettings: {
            ...info.settings,
            ...(info.settings['-ldflags'] !== undefined
              ? {
                  '-ldflags': publishableLdflags(
                    info.settings['-ldflags'].split(/\s+/).filter(Boolean),
                  ).join(' '),
                }
              : {}),
          },
        },
        resolvedDependencies: [
          {
            uri: `git+${run.repositoryUrl}@${run.ref}`,
            digest: { gitCommit: image.revision },
          },
          ...(image.base
            ? [
                {
                  uri: ociPurl(image.base.name, image.base.digest, arch),
                  digest: { sha256: image.base.digest.slice('sha256:'.length) },
                },
              ]
            : []),
          { uri: `pkg:golang/toolchain@${info.goVersion}`, name: 'go' },
          ...info.deps.map((d) => {
            const m = compiled(d);
            return {
              uri: `pkg:golang/${m.path}@${m.version}`,
              ...(m.sum ? { annotations: { h1: m.sum } } : {}),
            };
          }),
        ],
      },
      runDetails: {
        builder: { id: run.builderId },
        metadata: { invocationId: run.runUrl },
      },
    },
  };
}
