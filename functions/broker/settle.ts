import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import { eventLogger, type Logger } from '../../shared/log/index';
import { Batcher } from './batcher';
import { sendToSink, writeDeadLetter, type Failure } from './deadletters';
import type { Target } from './deliver';
import { decodeEntry, fieldMap, type StreamEntry } from './entry';
import type { TriggerKeys } from './keys';
import type { TriggerMetrics } from './metrics';
import { ack, claim } from './streams';
import type { Trigger } from './triggers';

export interface SettleOptions {
  trigger: Trigger;
  keys: TriggerKeys;
  consumer: string;
  redis: () => Promise<Redis>;
  http: Dispatcher;
  subscriber: Target;
  deadLetterSink?: Target;
  metrics: TriggerMetrics;
  /** The trigger's logger. */
  log: Logger;
  /** Told when an entry is left pending for the retry scan (a retry, an outcome Redis missed). */
  onLeftPending?: () => void;
}

/** What is left to do for an entry whose outcome is decided but was not recorded in Redis. */
export type Unfinished = { kind: 'ack' } | { kind: 'dead-letter'; failure: Failure };

/**
 * The end of an entry's way: acknowledged after a 2xx (one XACK for the deliveries that finish
 * together), dead-lettered together with its acknowledgement, or left pending with its retry clock
 * restarted. An outcome Redis does not take (it is away) is remembered and recorded when the entry
 * comes up again, rather than delivered again.
 */
export class Settler {
  readonly #o: SettleOptions;
  readonly #unfinished = new Map<string, Unfinished>();
  readonly #acks: Batcher<string>;

  constructor(options: SettleOptions) {
    this.#o = options;
    const { keys, trigger } = options;
    this.#acks = new Batcher(async (ids) =>
      ack(await options.redis(), keys.stream, trigger.name, ids),
    );
  }

  /** The outcome decided for an entry that Redis has not taken yet. */
  unfinished(id: string): Unfinished | undefined {
    return this.#unfinished.get(id);
  }

  /** Acknowledges a delivered entry. */
  delivered(id: string): Promise<void> {
    return this.#record(id, { kind: 'ack' });
  }

  /** Records an outcome remembered earlier; `entry` (read again when not at hand) for a dead letter. */
  async recordAgain(id: string, what: Unfinished, entry?: StreamEntry): Promise<void> {
    await this.#record(id, what, entry ?? (what.kind === 'ack' ? undefined : await this.#read(id)));
  }

  /** A failure not to retry (or the last one): to the deadLetterSink, else the dead letters. */
  async deadLetter(entry: StreamEntry, failure: Failure): Promise<void> {
    const { trigger, metrics, http, deadLetterSink } = this.#o;
    const log = eventLog(this.#o.log, entry);
    let recorded = failure;
    if (deadLetterSink) {
      const sent = await sendToSink(entry.event, failure, {
        dispatcher: http,
        sink: deadLetterSink,
        subscriber: this.#o.subscriber.url,
        timeoutMs: trigger.timeoutMs,
      });
      if (sent.ok) {
        await this.#record(entry.id, { kind: 'ack' });
        metrics.deadLettered(failure.kind);
        log().error({ ...summary(failure), sink: deadLetterSink.url }, 'dead-lettered to the sink');
        return;
      }
      // The sink failed too: keep the dead letter in Redis rather than lose it.
      recorded = {
        ...failure,
        reason: `${failure.reason}; the dead-letter sink failed: ${sent.reason}`,
      };
    }
    await this.#record(entry.id, { kind: 'dead-letter', failure: recorded }, entry);
    metrics.deadLettered(failure.kind);
    log().error(summary(recorded), 'dead-lettered');
  }

  /** An entry that holds no readable event: dead-lettered with what it holds. */
  async deadLetterRaw(id: string, fields: readonly string[], reason: string): Promise<void> {
    const { keys, trigger, metrics } = this.#o;
    try {
      await writeDeadLetter(
        await this.#o.redis(),
        keys,
        {
          entry: id,
          event: JSON.stringify(fieldMap(fields)),
          subscriber: this.#o.subscriber.url,
        },
        { kind: 'unreadable', reason, attempts: 0 },
      );
      metrics.deadLettered('unreadable');
      this.#o.log.error(
        { entry: id, reason, trigger: trigger.name },
        'unreadable entry dead-lettered',
      );
    } catch (err) {
      this.#o.log.warn({ err, entry: id }, 'could not dead-letter an unreadable entry');
    }
  }

  /**
   * A failure that will be retried: the entry stays pending and its idle clock restarts now, so
   * that the backoff counts from the failure rather than from the start of an attempt that may
   * have taken the whole timeout (`XCLAIM … JUSTID`, which counts no delivery).
   */
  async retryLater(id: string, log: () => Logger): Promise<void> {
    const { keys, trigger, consumer } = this.#o;
    this.#o.onLeftPending?.();
    try {
      await claim(await this.#o.redis(), keys.stream, trigger.name, consumer, 0, [id], {
        justId: true,
      });
    } catch (err) {
      log().warn({ err }, 'could not restart the retry clock; the retry may come early');
    }
  }

  /** Acknowledges or dead-letters; remembers what is left when Redis does not answer. */
  async #record(id: string, what: Unfinished, entry?: StreamEntry): Promise<void> {
    try {
      if (what.kind === 'ack') {
        await this.#acks.add(id);
      } else {
        const written = await writeDeadLetter(
          await this.#o.redis(),
          this.#o.keys,
          {
            entry: id,
            event: entry ? JSON.stringify(entry.event) : '',
            subscriber: this.#o.subscriber.url,
          },
          what.failure,
        );
        if (written === null) this.#o.log.info({ entry: id }, 'entry already settled elsewhere');
      }
      this.#unfinished.delete(id);
    } catch (err) {
      this.#unfinished.set(id, what);
      this.#o.onLeftPending?.();
      this.#o.log.warn({ err, entry: id, todo: what.kind }, 'Redis did not take the outcome; kept');
    }
  }

  async #read(id: string): Promise<StreamEntry | undefined> {
    const redis = await this.#o.redis();
    const [found] = (await redis.call('XRANGE', this.#o.keys.stream, id, id)) as [
      string,
      string[],
    ][];
    if (!found) return undefined;
    try {
      return decodeEntry(found[0], found[1]);
    } catch {
      return undefined;
    }
  }
}

/**
 * The logger of one entry (its CloudEvent id, type, source and trace), made on first use: pino
 * serializes a child's bindings when it is made, which a delivery that logs nothing should not
 * pay for.
 */
export function eventLog(
  log: Logger,
  entry: StreamEntry,
  extra: Record<string, unknown> = {},
): () => Logger {
  let child: Logger | undefined;
  return () => (child ??= eventLogger(log, entry.event).child({ entry: entry.id, ...extra }));
}

const summary = (failure: Failure) => ({
  kind: failure.kind,
  reason: failure.reason,
  status: failure.status,
  attempts: failure.attempts,
});
