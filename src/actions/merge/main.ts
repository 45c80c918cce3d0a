import * as core from '../../runtime/core.js';
import { InvalidIndexError } from '../../oci/errors.js';
import { formatReference } from '../../oci/reference.js';
import { registryPool, targetsOf } from '../../publish/inputs.js';
import { gitContextFromEnv } from '../../github/context.js';
import { imageTags } from '../../github/tagrules.js';
import { platformDigests } from '../../oci/index.js';
import {
  checkBlobs,
  mergeIndex,
  MissingBlobError,
  MissingManifestError,
  resolveSource,
} from '../../publish/merge.js';
import { publish } from '../../publish/publish.js';
import { RegistryTarget } from '../../publish/target.js';
import { UserError, ValidationError } from '../../runtime/errors.js';
import { Timeline } from '../../runtime/timeline.js';
import { INPUT, OUTPUT, readInputs, SOURCE_ACCEPTED, TAG_ACCEPTED } from './inputs.js';

/** Fans a matrix of per-runner images (pushed by digest) into one index under every tag. */
export async function main(): Promise<void> {
  const inputs = readInputs();
  const timeline = new Timeline('merge');
  // the tags as build-push makes them: rules, bare tags on every image, full references
  const given = { tags: inputs.tags, rules: inputs.tagRules, flavor: inputs.flavor };
  const { tags } = imageTags(
    { input: INPUT.tags, accepted: TAG_ACCEPTED, ...given },
    gitContextFromEnv(),
  );
  const repos = targetsOf(INPUT.tags, TAG_ACCEPTED, inputs.images, tags);
  const first = [...repos.values()][0]!.ref;
  const pool = registryPool(inputs, first.registry);
  try {
    const sources = await timeline.phase('resolve', async (attrs) => {
      const resolved = [];
      for (const s of inputs.sources) {
        try {
          resolved.push(await resolveSource(pool.client(s.registry), s));
        } catch (err) {
          if (err instanceof MissingManifestError)
            throw new ValidationError(
              INPUT.sources,
              formatReference(s),
              SOURCE_ACCEPTED,
              err.message,
            );
          throw err;
        }
      }
      attrs.sources = resolved.length;
      return resolved;
    });
    const { index, blob } = mergeIndex(sources, inputs.annotations);
    const platforms = Object.keys(platformDigests(index.manifests));
    core.info(`Index ${blob.digest} (${index.mediaType}) over ${platforms.join(', ')}`);

    for (const [name, repo] of repos) {
      await timeline.phase('push', async (attrs) => {
        const target = new RegistryTarget(pool.client(repo.ref.registry), repo.ref.repository);
        const all = sources.flatMap((s) => s.manifests);
        // asked at once, for the count reported below
        const there = await Promise.all(all.map((m) => target.hasManifest(m.manifest.digest)));
        const needed = all.filter((_, i) => !there[i]);
        try {
          await checkBlobs(target, sources);
        } catch (err) {
          if (err instanceof MissingBlobError)
            throw new UserError(`sources: ${err.message}; nothing was tagged`);
          throw err;
        }
        // every manifest, there or not: a blob the target lacks is mounted or copied before
        // the index names it
        const stats = await publish(target, all, blob, repo.tags);
        Object.assign(attrs, {
          repository: name,
          tags: repo.tags,
          platforms,
          copied: needed.length,
          ...stats,
        });
        core.info(
          `Pushed ${name}@${blob.digest} as ${repo.tags.join(', ')} (copied ${needed.length} manifests, ${stats.bytesUploaded} bytes uploaded, ${stats.blobsMounted} blobs mounted)`,
        );
      });
    }
    core.setOutput(OUTPUT.digest, blob.digest);
    core.setOutput(
      OUTPUT.image,
      formatReference({
        registry: first.registry,
        repository: first.repository,
        digest: blob.digest,
      }),
    );
  } catch (err) {
    if (err instanceof InvalidIndexError) throw new UserError(`sources: ${err.message}`);
    throw err;
  } finally {
    pool.close();
  }
}
