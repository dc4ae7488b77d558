import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/index';
import type { TriggerKeys } from './keys';
import { ensureGroup } from './streams';

export interface StreamGroupsOptions {
  redis: () => Promise<Redis>;
  /** Every trigger's keys; its group has the trigger's name. */
  triggers: readonly TriggerKeys[];
  log: Logger;
  /** Pause between attempts while Redis does not take the groups. */
  retryMs?: number;
}

/**
 * Whether every trigger's stream and consumer group exist, and the one place that makes them.
 * A group is created with its stream (MKSTREAM) from the stream's start (`0`): a stream Redis
 * lost (a flush, a restart without persistence, a deletion) comes back with a group that reads
 * every entry appended since, and until it has, the ingress answers 503 (the ingress never
 * creates a stream: scripts.ts, PUBLISH).
 */
export class StreamGroups {
  readonly #o: StreamGroupsOptions;
  #ready = false;
  #stopped = false;
  #recovering: Promise<void> | undefined;

  constructor(options: StreamGroupsOptions) {
    this.#o = options;
  }

  /** Every stream and group existed when last made or checked, and none was found lost since. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Creates every missing stream and group; resolves once all exist (retrying meanwhile). */
  async ensure(): Promise<void> {
    await this.#untilMade(false);
  }

  /**
   * A stream or group was found missing (the ingress's script, a dispatcher's read): not ready
   * until they all exist again, which starts now (once, however many report it).
   */
  lost(what: string): void {
    if (this.#stopped) return;
    this.#ready = false;
    if (this.#recovering) return;
    this.#recovering = this.#untilMade(true, what).finally(() => (this.#recovering = undefined));
  }

  /** Stops a recovery in progress (at its next attempt). */
  stop(): void {
    this.#stopped = true;
  }

  async #untilMade(afterLoss: boolean, what?: string): Promise<void> {
    const { triggers, log, retryMs = 250 } = this.#o;
    if (afterLoss) {
      log.error(
        { missing: what },
        'a stream or consumer group is gone (Redis lost its data, or it was deleted from outside the broker); making them again',
      );
    }
    for (let attempt = 1; !this.#stopped; attempt++) {
      try {
        const redis = await this.#o.redis();
        const created = await Promise.all(
          triggers.map((t) => ensureGroup(redis, t.stream, t.trigger)),
        );
        triggers.forEach((t, i) => {
          if (!created[i]) return;
          const fields = { trigger: t.trigger, stream: t.stream };
          if (!afterLoss) log.info(fields, 'consumer group created');
          else
            log.error(
              fields,
              'the consumer group was deleted from outside the broker or lost by Redis; created it again, reading its stream from the start',
            );
        });
        this.#ready = true;
        return;
      } catch (err) {
        log.warn({ err, attempt }, 'the streams and groups could not be made yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryMs * attempt, 5000)));
      }
    }
  }
}
