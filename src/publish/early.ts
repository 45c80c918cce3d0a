import type { BlobSink, BlobToPush } from '../oci/blob.js';
import { failureMessage } from '../runtime/action.js';
import { UserError } from '../runtime/errors.js';
import type { RegistryTarget } from './target.js';

/** A destination that cannot take the push, learned while the image was being built. */
export class PushRefused extends UserError {
  constructor(destination: string, cause: unknown) {
    super(
      `${destination} cannot take the push, so the build was stopped: ${failureMessage(cause)}`,
      {
        cause,
      },
    );
  }
}

/**
 * The registries' side of a build while it runs. As it starts, each destination is checked by
 * reading only (it answers, takes the credentials, grants push): one that cannot take the push
 * stops the build at once — its compiles killed, nothing uploaded — rather than after it. Then
 * uploads start as a builder makes each blob, while other platforms still build: each registry's
 * first repository gets the bytes (the others mount them from it when publish comes). A target
 * uploads a digest once, so publish awaits these very uploads and reports their failures.
 */
export class EarlyUploads implements BlobSink {
  private readonly receivers: RegistryTarget[];
  private readonly stop = new AbortController();
  private readonly checked: Promise<void>;

  /** `reference`: the tag the image goes under (an authenticated read of it checks a login). */
  constructor(targets: readonly RegistryTarget[], reference: string) {
    this.receivers = targets.filter((t) => !t.siblings.length);
    this.checked = Promise.all(
      targets.map((t) =>
        t.client.checkPush(t.repository, reference).catch((err: unknown) => {
          throw new PushRefused(t.name, err);
        }),
      ),
    ).then(() => undefined);
    this.checked.catch((err: unknown) => this.stop.abort(err));
  }

  /**
   * Runs `build` with a signal that stops it when a destination cannot take the push (the
   * error is then that destination's), and returns what it built once every destination said
   * it can.
   */
  async during<T>(build: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const built = await build(this.stop.signal).catch((err: unknown) => {
      throw this.stop.signal.aborted ? (this.stop.signal.reason as unknown) : err;
    });
    await this.checked;
    return built;
  }

  offer(b: BlobToPush): void {
    for (const t of this.receivers)
      t.putBlob(b.descriptor, b.source, b.mountFrom ?? [], b.mountRegistry).catch(() => undefined);
  }
}
