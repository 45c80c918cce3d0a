import { resolveBase } from '../../image/base.js';
import { redactUrl, redactUrls } from '../../runtime/redact.js';
import { escapeMarkdown } from '../../report/markdown.js';
import { formatPlatform } from '../../oci/platform.js';
import { readImage, registryStore } from '../../oci/read.js';
import { parsePlatform } from '../../oci/platform.js';
import { formatReference } from '../../oci/reference.js';
import type { RegistryPool } from '../../oci/registry/pool.js';
import { registryPool } from '../../publish/inputs.js';
import {
  decide,
  newerGoPatch,
  readRecorded,
  type Reason,
  type Recorded,
} from '../../rebuild/check.js';
import * as core from '../../runtime/core.js';
import { errorMessage } from '../../runtime/errors.js';
import { Timeline } from '../../runtime/timeline.js';
import { INPUT, OUTPUT, readInputs } from './inputs.js';

/** What each platform's image records, read from the index (or the one manifest). */
async function recordedOf(
  pool: RegistryPool,
  inputs: ReturnType<typeof readInputs>,
): Promise<Recorded[] | undefined> {
  const { image } = inputs;
  const store = registryStore(pool.client(image.registry), image.repository);
  const read = await readImage(store, image.digest ?? image.tag ?? 'latest');
  return read?.manifests.map((m) =>
    readRecorded(
      formatPlatform(m.descriptor.platform!),
      m.manifest.annotations,
      inputs.base || undefined,
    ),
  );
}

/**
 * Go's release list, newest first; [] when none is to be read, undefined when it could not be
 * read — a warning naming the URL without its userinfo or query, and no image called current.
 */
async function goReleases(
  url: string,
): Promise<{ version: string; stable?: boolean }[] | undefined> {
  if (!url) return [];
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const list = (await res.json()) as unknown;
    if (!Array.isArray(list)) throw new Error('not a list of releases');
    return list as { version: string; stable?: boolean }[];
  } catch (err) {
    core.warning(
      `Could not read Go's release list at ${redactUrl(url)} (${redactUrls(errorMessage(err))}); a rebuild is needed, as for a Go that may have moved (go: unknown)`,
    );
    return undefined;
  }
}

export async function main(): Promise<void> {
  const inputs = readInputs();
  const timeline = new Timeline('rebuild-check');
  const pool = registryPool(inputs, inputs.image.registry);
  const reasons: Reason[] = [];
  let rebaseable = true;
  try {
    const recorded = await timeline.phase('read', () => recordedOf(pool, inputs));
    if (!recorded) {
      reasons.push({
        platform: '*',
        what: 'image',
        from: 'none',
        to: formatReference(inputs.image),
      });
      rebaseable = false;
    } else {
      await timeline.phase('bases', async (attrs) => {
        // every base name once, for the platforms that use it: the image's own, or the one a
        // stage used its base on (`FROM --platform=$BUILDPLATFORM`)
        const wanted = new Map<
          string,
          { what: string; platform: string; on: string; digest: string }[]
        >();
        for (const r of recorded) {
          if (!r.base) rebaseable = false;
          const uses = [
            ...(r.base ? [{ what: 'base', ...r.base }] : []),
            ...r.stages
              .filter((s) => !(r.base && s.name === r.base.name && s.digest === r.base.digest))
              .map((s) => ({
                what: `stage ${s.stage}`,
                name: s.name,
                digest: s.digest,
                ...(s.platform ? { on: s.platform } : {}),
              })),
          ];
          for (const u of uses)
            wanted.set(u.name, [
              ...(wanted.get(u.name) ?? []),
              { what: u.what, platform: r.platform, on: u.on ?? r.platform, digest: u.digest },
            ]);
        }
        for (const [name, uses] of wanted) {
          const platforms = [...new Set(uses.map((u) => u.on))].map(parsePlatform);
          const base = await resolveBase(INPUT.base, name, platforms, (r) => pool.client(r));
          for (const u of uses) {
            const now = base.perPlatform.get(u.on)?.manifestDigest ?? base.digest ?? '';
            if (now !== u.digest)
              reasons.push({
                platform: u.platform,
                what: u.what,
                from: `${name}@${u.digest}`,
                to: `${name}@${now}`,
              });
          }
        }
        attrs.bases = wanted.size;
      });
      await timeline.phase('go', async (attrs) => {
        const releases = await goReleases(inputs.goVersions);
        for (const r of recorded) {
          if (!r.go) continue;
          // unknown is not current: a Go patch release may have come out
          const newer = releases ? newerGoPatch(r.go, releases) : 'unknown';
          if (newer) reasons.push({ platform: r.platform, what: 'go', from: r.go, to: newer });
        }
        attrs.releases = releases?.length ?? 'unreadable';
      });
    }
  } finally {
    pool.close();
  }
  const { needed, rebase } = decide(reasons, rebaseable);
  for (const r of reasons) core.info(`${r.platform}: ${r.what} moved: ${r.from} → ${r.to}`);
  if (!needed)
    core.info(`${formatReference(inputs.image)} is current: every base and Go as recorded`);
  core.setOutput(OUTPUT.needed, String(needed));
  core.setOutput(OUTPUT.reasons, JSON.stringify(reasons));
  core.setOutput(OUTPUT.rebase, String(rebase));
  core.appendSummary(
    [
      `### rebuild-check: ${formatReference(inputs.image)}`,
      '',
      needed ? `Rebuild needed${rebase ? ' — a rebase suffices' : ''}.` : 'Current: nothing to do.',
      '',
      ...(reasons.length
        ? [
            '| platform | what | from | to |',
            '| --- | --- | --- | --- |',
            ...reasons.map(
              (r) => `| ${[r.platform, r.what, r.from, r.to].map(escapeMarkdown).join(' | ')} |`,
            ),
          ]
        : []),
      '',
    ].join('\n'),
  );
}
