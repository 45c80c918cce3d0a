import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import * as core from '../../runtime/core.js';
import { GitHubCacheBackend } from '../../cache/github.js';
import { decideSave } from '../../cache/policy.js';
import { emitAnnotations, planAnnotations, publishCheckRun } from '../../github/annotations.js';
import { gitContextFromEnv } from '../../github/context.js';
import { parseReference } from '../../oci/reference.js';
import type { Credentials } from '../../oci/registry/auth.js';
import { credentialsFromDockerConfig, withDockerConfig } from '../../oci/registry/credentials.js';
import { errorMessage, UserError } from '../../runtime/errors.js';
import { execFile } from '../../runtime/exec.js';
import { pathExists } from '../../runtime/fs.js';
import { userCacheDir, withTempDir } from '../../runtime/temp.js';
import { Timeline } from '../../runtime/timeline.js';
import { installTool } from '../../tools/installer.js';
import { readInstallOptions } from '../../tools/install-inputs.js';
import { atLeast, countBySeverity, dedupeAndRank, type Finding } from '../../tools/scan/finding.js';
import { parseHadolintJson, parseTrivyJson } from '../../tools/scan/parse.js';
import { renderScanSummary } from '../../tools/scan/report.js';
import { toSarif } from '../../tools/scan/sarif.js';
import { SPECS, type ToolSpec } from '../../tools/spec.js';
import { INPUT, OUTPUT, readInputs, type ScanInputs } from './inputs.js';
import { imageTargets } from './targets.js';

/** A tool to run: installed (pinned, verified, cached) or, with `system`, the one on PATH. */
async function scanner(
  spec: ToolSpec,
  version: string,
  input: string,
): Promise<{ path: string; version: string }> {
  if (version === 'system') {
    const path = await (await import('@actions/io')).which(spec.name, false);
    if (!path)
      throw new UserError(
        `${spec.name} is not on PATH (${input}: system); install it, or give a version`,
      );
    return { path, version: 'system' };
  }
  const installed = await installTool(spec, readInstallOptions(spec, version, input));
  return { path: installed.binaries[0]!, version: installed.tag };
}

/** trivy's vulnerability DB between runs: one cache entry a day, through the Actions cache. */
class DbCache {
  private matched?: string;
  private readonly backend = new GitHubCacheBackend();
  readonly key = `gantry-trivy-db-${new Date().toISOString().slice(0, 10)}`;
  constructor(
    readonly dir: string,
    private readonly enabled: boolean,
  ) {}

  async restore(): Promise<string> {
    if (!this.enabled) return 'off';
    if (!(await this.backend.available())) return 'no cache service';
    try {
      this.matched = await this.backend.restore([this.dir], this.key, ['gantry-trivy-db-']);
    } catch (err) {
      core.warning(`Could not restore the trivy DB: ${errorMessage(err)}`);
    }
    return this.matched === this.key ? 'exact' : this.matched ? 'partial' : 'none';
  }

  async save(): Promise<boolean> {
    if (!this.enabled || this.matched === this.key) return false;
    // every branch restores what is saved: only the default branch's own runs write it
    const decision = decideSave('auto', gitContextFromEnv(), true);
    if (!decision.save) {
      core.info(`trivy DB not saved: ${decision.reason}`);
      return false;
    }
    if (!(await this.backend.available())) return false;
    if (!(await pathExists(join(this.dir, 'db')))) return false;
    try {
      return await this.backend.save([this.dir], this.key);
    } catch (err) {
      core.warning(`Could not save the trivy DB: ${errorMessage(err)}`);
      return false;
    }
  }
}

/** Registry → credentials for trivy: the scanned image's, and what the user gave the DB's. */
export function trivyLogins(inputs: ScanInputs): Map<string, Credentials> {
  const logins = new Map<string, Credentials>();
  const image = inputs.image && !inputs.image.startsWith('oci:') ? inputs.image : undefined;
  if (image) {
    const registry = parseReference(image).registry;
    const c = inputs.credentials ?? credentialsFromDockerConfig(registry);
    if (c) logins.set(registry, c);
  }
  for (const repo of inputs.dbRepositories) {
    const registry = parseReference(repo).registry;
    const c = logins.has(registry) ? undefined : credentialsFromDockerConfig(registry);
    if (c) logins.set(registry, c);
  }
  return logins;
}

function trivyCommon(inputs: ScanInputs, cacheDir: string, ignorefile: boolean): string[] {
  return [
    '--format',
    'json',
    '--quiet',
    '--cache-dir',
    cacheDir,
    ...inputs.dbRepositories.flatMap((r) => ['--db-repository', r]),
    ...(ignorefile ? ['--ignorefile', inputs.trivyignore] : []),
  ];
}

export async function main(): Promise<void> {
  const inputs = await readInputs();
  const timeline = new Timeline('scan');
  const needTrivy = Boolean(inputs.image) || inputs.fs.length > 0;
  const tools = await timeline.phase('install', async (attrs) => {
    const hadolint = inputs.dockerfiles.length
      ? await scanner(SPECS.hadolint, inputs.hadolintVersion, INPUT.hadolintVersion)
      : undefined;
    const trivy = needTrivy
      ? await scanner(SPECS.trivy, inputs.trivyVersion, INPUT.trivyVersion)
      : undefined;
    attrs.tools = [
      hadolint ? `hadolint ${hadolint.version}` : '',
      trivy ? `trivy ${trivy.version}` : '',
    ].filter(Boolean);
    return { hadolint, trivy };
  });
  const findings: Finding[] = [];
  /** What trivy was given for `image`, per platform: the image, or its attached SBOM. */
  const scanned: string[] = [];

  for (const file of inputs.dockerfiles) {
    await timeline.phase(`hadolint ${file}`, async (attrs) => {
      const r = await execFile(tools.hadolint!.path, ['--format', 'json', '--no-fail', file], {
        cwd: inputs.workspace,
        silent: true,
        allowFailure: true,
      });
      // hadolint exits 1 for findings without --no-fail, and for its own failures with it
      if (r.exitCode !== 0 && !r.stdout.trim().startsWith('['))
        throw new UserError(`hadolint failed on ${file} (exit ${r.exitCode}): ${r.stderr.trim()}`);
      const found = parseHadolintJson(r.stdout, file);
      attrs.findings = found.length;
      findings.push(...found);
    });
  }

  if (tools.trivy) {
    const cacheDir = join(userCacheDir(), 'trivy');
    const db = new DbCache(cacheDir, inputs.dbCache === 'github');
    await timeline.phase('db', async (attrs) => {
      attrs.hit = await db.restore();
    });
    const ignorefile = await pathExists(inputs.trivyignore);
    // trivy offers what it is given to every registry it contacts (the DB's among them): it
    // gets a docker config of its own holding the scanned image's registry, and only the DB
    // registries' entries the user's own docker login has — never TRIVY_USERNAME/PASSWORD
    await withDockerConfig(trivyLogins(inputs), async (dockerConfig) => {
      const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
      const trivy = async (
        label: string,
        args: string[],
        readGoMod?: (p: string) => string | undefined,
      ) =>
        timeline.phase(`trivy ${label}`, async (attrs) => {
          const r = await execFile(
            tools.trivy!.path,
            [...args.slice(0, 1), ...trivyCommon(inputs, cacheDir, ignorefile), ...args.slice(1)],
            {
              cwd: inputs.workspace,
              env,
              silent: true,
            },
          );
          const found = parseTrivyJson(r.stdout, readGoMod);
          attrs.findings = found.length;
          return found;
        });
      if (inputs.image) {
        await withTempDir('scan-views', async (views) => {
          for (const t of await imageTargets(inputs, views)) {
            scanned.push(
              t.command === 'sbom'
                ? `${t.label}: its SBOM (${t.sbom}), with trivy sbom`
                : `${t.label}: the image${inputs.sbom ? ' (build-push reported no SBOM for it)' : ''}`,
            );
            core.info(`Scanning ${scanned.at(-1)}`);
            const found = await trivy(t.label, [t.command, ...t.args]);
            // name the image as given, and its platform: the same CVE on two platforms is two findings
            for (const f of found) f.file = `${t.label}: ${f.file}`;
            findings.push(...found);
          }
        });
      }
      for (const dir of inputs.fs) {
        const found = await trivy(
          relative(inputs.workspace, dir) || '.',
          ['fs', '--scanners', 'vuln', dir],
          (p) => {
            try {
              return readFileSync(join(dir, p), 'utf8');
            } catch {
              return undefined;
            }
          },
        );
        // report files as the repository names them
        for (const f of found) f.file = relative(inputs.workspace, join(dir, f.file)) || f.file;
        findings.push(...found);
      }
    });
    await timeline.phase('db save', async (attrs) => {
      attrs.saved = await db.save();
    });
  }

  const ranked = dedupeAndRank(findings);
  const reported = ranked.filter((f) => atLeast(f, inputs.severity));
  const failing = inputs.failOn === 'none' ? [] : ranked.filter((f) => atLeast(f, inputs.failOn));
  const plan = planAnnotations(reported);
  emitAnnotations(plan.shown);

  const summary = renderScanSummary({
    scanned,
    reported,
    overflow: plan.overflow,
    failOn: inputs.failOn,
    failing: failing.length,
  });
  try {
    core.appendSummary(summary);
  } catch (err) {
    core.warning(`Could not write the step summary: ${errorMessage(err)}`);
  }
  await mkdir(dirname(inputs.sarif), { recursive: true });
  await writeFile(
    inputs.sarif,
    JSON.stringify(
      toSarif(reported, {
        ...(tools.hadolint ? { hadolint: tools.hadolint.version } : {}),
        ...(tools.trivy ? { trivy: tools.trivy.version } : {}),
      }),
      null,
      2,
    ),
  );

  const git = gitContextFromEnv();
  const [owner, repo] = git.repository.split('/');
  if (inputs.checks === 'auto' && inputs.token && owner && repo && git.sha) {
    try {
      const { getOctokit } = await import('@actions/github');
      const r = await publishCheckRun(getOctokit(inputs.token), {
        owner,
        repo,
        headSha: git.sha,
        name: 'gantry scan',
        conclusion: failing.length ? 'failure' : reported.length ? 'neutral' : 'success',
        title: `${reported.length} findings`,
        summary,
        findings: reported,
      });
      core.info(`Check run ${r.id}: ${reported.length} findings in ${r.batches} batch(es)`);
    } catch (err) {
      const status = (err as { status?: number }).status;
      core.warning(
        `No check run: ${status === 403 || status === 404 ? 'the token may not write checks here (a fork PR, or a read-only token)' : errorMessage(err)}; the annotations and the step summary have the findings`,
      );
    }
  }

  core.setOutput(
    OUTPUT.findings,
    JSON.stringify({ total: reported.length, ...countBySeverity(reported) }),
  );
  core.setOutput(OUTPUT.sarif, inputs.sarif);
  core.setOutput(OUTPUT.failed, String(failing.length > 0));
  if (failing.length)
    throw new UserError(
      `${failing.length} findings at or above fail-on: ${inputs.failOn} (${Object.entries(
        countBySeverity(failing),
      )
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')})`,
    );
}
