import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { RedisHandle } from '../../shared/redis/index';
import { eventLogger, type Logger } from '../../shared/log/index';
import { backoffMs, maxAttempts } from './backoff';
import { Batcher } from './batcher';
import { deliver } from './deliver';
import { sendToSink, writeDeadLetter, type Failure } from './deadletters';
import { appendedAt, decodeEntry, isFor, type StreamEntry } from './entry';
import type { BrokerKeys } from './keys';
import type { BrokerMetrics } from './metrics';
import { EventTooLargeError, prepare, type Publish } from './publish';
import { Slots } from './slots';
import {
  ack,
  autoClaim,
  claim,
  deliveriesOf,
  ensureGroup,
  pending,
  readGroup,
  type RawEntry,
} from './streams';
import type { Trigger } from './triggers';

export interface DispatcherOptions {
  trigger: Trigger;
  keys: BrokerKeys;
  /** This instance's consumer name in every group (stable across restarts). */
  consumer: string;
  /** Parallel deliveries for this trigger. */
  concurrency: number;
  /** How often the pending list is scanned for retries that are due. */
  retryScanMs: number;
  /** Idle time after which another consumer's entry is taken over (`XAUTOCLAIM`). */
  visibilityMs: number;
  /** Commands. */
  redis: () => Promise<Redis>;
  /** A connection of its own for the blocking reads. */
  reader: RedisHandle;
  http: Dispatcher;
  /** Publishes reply events back into the broker. */
  publish: Publish;
  maxEventBytes: number;
  metrics: BrokerMetrics;
  log: Logger;
}

/** How long one XREADGROUP waits for new entries; bounds how long a stop waits for the read. */
const BLOCK_MS = 2000;
/** Pause after a Redis error before the loop tries again. */
const ERROR_PAUSE_MS = 500;
const PAGE = 100;

/** What is left to do for an entry whose delivery is decided but could not be recorded. */
type Unfinished = { kind: 'ack' } | { kind: 'dead-letter'; failure: Failure };

/**
 * Delivers one trigger's entries: a blocking read of new entries, a scan of this consumer's
 * pending list for retries that are due, and a takeover of entries left pending too long by a
 * consumer that died. An entry is acknowledged only after a 2xx, or together with its dead
 * letter; until then it stays in the pending list, which is what retries and restarts read.
 */
export class TriggerDispatcher {
  readonly #o: DispatcherOptions;
  readonly #slots: Slots;
  /** Entries taken for delivery (running or queued for a slot), by id; scans leave them be. */
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Taken entries waiting for a slot; non-empty only while every slot is busy. */
  readonly #queue: { entry: StreamEntry; attempt: number; done: () => void }[] = [];
  readonly #unfinished = new Map<string, Unfinished>();
  readonly #log: Logger;
  /** Acknowledgements of deliveries that finished together go out as one XACK. */
  readonly #acks: Batcher<string>;
  #running = false;
  #loops: Promise<void>[] = [];
  #wake: (() => void)[] = [];
  readonly #warned = new Map<string, { at: number; times: number }>();

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.#slots = new Slots(options.concurrency);
    this.#log = options.log.child({ trigger: options.trigger.name });
    this.#acks = new Batcher(async (ids) =>
      ack(await options.redis(), options.keys.stream, options.trigger.name, ids),
    );
  }

  get name(): string {
    return this.#o.trigger.name;
  }

  /** Starts the three loops. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const { retryScanMs, visibilityMs } = this.#o;
    this.#loops = [
      this.#readLoop(),
      this.#every(retryScanMs, () => this.#scanRetries()),
      this.#every(Math.min(Math.max(visibilityMs / 4, 1000), 30_000), () => this.#reclaim()),
    ];
  }

  /**
   * Stops reading and scanning, then waits for the deliveries in flight. Whatever is still
   * pending stays pending, on this consumer, for the next start; the group is never touched.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const wake of this.#wake.splice(0)) wake();
    // A blocked XREADGROUP holds its connection for up to BLOCK_MS; closing it ends the read.
    // Entries Redis handed out in that instant stay pending on this consumer and are retried.
    (await this.#o.reader.client()).disconnect();
    await Promise.allSettled(this.#loops);
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  async #readLoop(): Promise<void> {
    const { keys, trigger, consumer } = this.#o;
    while (this.#running) {
      while (this.#capacity() <= 0 && this.#running) await this.#slots.whenFree();
      if (!this.#running) break;
      let entries: RawEntry[];
      try {
        const reader = await this.#o.reader.client();
        entries = await readGroup(
          reader,
          keys.stream,
          trigger.name,
          consumer,
          this.#capacity(),
          BLOCK_MS,
        );
      } catch (err) {
        if (!this.#running) break;
        if (String((err as Error).message).startsWith('NOGROUP')) await this.#recreateGroup();
        else this.#warnAtMostEvery(10_000, err, 'reading the stream failed; trying again');
        await this.#pause(ERROR_PAUSE_MS);
        continue;
      }
      await this.#accept(entries, () => 1);
    }
  }

  /**
   * The group (or the whole stream) was deleted from outside the broker, which never deletes
   * one: whatever it held is gone, so the group starts again at the end of the stream.
   */
  async #recreateGroup(): Promise<void> {
    try {
      await ensureGroup(await this.#o.redis(), this.#o.keys.stream, this.#o.trigger.name);
      this.#log.error('the consumer group was deleted from outside the broker; created it again');
    } catch (err) {
      this.#log.warn({ err }, 'the consumer group is missing and could not be created');
    }
  }

  /** Runs `task` every `ms` until stopped, one run at a time. */
  async #every(ms: number, task: () => Promise<void>): Promise<void> {
    while (this.#running) {
      await this.#pause(ms);
      if (!this.#running) break;
      try {
        await task();
      } catch (err) {
        if (this.#running) this.#warnAtMostEvery(10_000, err, 'pending-list maintenance failed');
      }
    }
  }

  /** A warning that repeats while Redis is away, logged once per `ms` with how often it came. */
  #warnAtMostEvery(ms: number, err: unknown, message: string): void {
    const now = Date.now();
    const last = this.#warned.get(message) ?? { at: 0, times: 0 };
    last.times += 1;
    if (now - last.at >= ms) {
      this.#log.warn({ err, times: last.times }, message);
      last.at = now;
      last.times = 0;
    }
    this.#warned.set(message, last);
  }

  /** Waits `ms`, or less when the dispatcher stops. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = this.#wake.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake.push(done);
    });
  }

  /**
   * Takes entries just read or claimed: the ones this trigger does not take are acknowledged at
   * once, every other one is delivered (`deliveries` is its delivery count, this attempt
   * included).
   */
  async #accept(entries: readonly RawEntry[], deliveries: (id: string) => number): Promise<void> {
    const skipped: string[] = [];
    for (const [id, fields] of entries) {
      if (fields === null) {
        skipped.push(id); // deleted since: nothing left to deliver
        continue;
      }
      let entry: StreamEntry;
      try {
        entry = decodeEntry(id, fields);
      } catch (err) {
        await this.#deadLetterRaw(id, fields, (err as Error).message);
        continue;
      }
      if (!isFor(this.#o.trigger, entry)) {
        skipped.push(id);
        continue;
      }
      const todo = this.#unfinished.get(id);
      if (todo) {
        await this.#finish(id, todo, entry); // decided already: record it, do not deliver again
        continue;
      }
      const count = deliveries(id);
      if (count > maxAttempts(this.#o.trigger)) {
        await this.#deadLetter(entry, {
          kind: 'interrupted',
          reason: `the broker stopped during attempt ${count - 1} of ${maxAttempts(this.#o.trigger)}, the last one`,
          attempts: count - 1,
        });
        continue;
      }
      this.#start(entry, count);
    }
    if (skipped.length) {
      try {
        await ack(await this.#o.redis(), this.#o.keys.stream, this.#o.trigger.name, skipped);
        this.#o.metrics.filtered.inc({ trigger: this.#o.trigger.name }, skipped.length);
      } catch (err) {
        // Still pending on this consumer: the retry scan meets them again and acknowledges them.
        this.#log.warn({ err, entries: skipped.length }, 'acknowledging skipped entries failed');
      }
    }
  }

  /**
   * Entries that may still be taken (read or claimed) now. Reading and claiming never ask for
   * more, but a read and a claim can overlap, so an entry taken while every slot is busy waits in
   * the queue: it must not be left pending, where a later claim would count a delivery that never
   * happened against its retries.
   */
  #capacity(): number {
    return this.#slots.free - this.#queue.length;
  }

  #start(entry: StreamEntry, attempt: number): void {
    if (this.#inFlight.has(entry.id)) return;
    let done!: () => void;
    this.#inFlight.set(entry.id, new Promise<void>((resolve) => (done = resolve)));
    this.#queue.push({ entry, attempt, done });
    this.#drain();
  }

  #drain(): void {
    const { metrics, trigger } = this.#o;
    while (this.#slots.free > 0 && this.#queue.length > 0) {
      const { entry, attempt, done } = this.#queue.shift()!;
      this.#slots.take();
      metrics.inFlight.inc({ trigger: trigger.name });
      void this.#attempt(entry, attempt)
        .catch((err: unknown) => this.#log.error({ err, entry: entry.id }, 'delivery task failed'))
        .finally(() => {
          this.#inFlight.delete(entry.id);
          metrics.inFlight.dec({ trigger: trigger.name });
          this.#slots.release();
          done();
          this.#drain();
        });
    }
  }

  async #attempt(entry: StreamEntry, attempt: number): Promise<void> {
    const { trigger, metrics, http, maxEventBytes } = this.#o;
    const log = this.#eventLog(entry, { attempt });
    const started = performance.now();
    let result = await deliver(entry.event, {
      dispatcher: http,
      url: trigger.subscriber,
      timeoutMs: trigger.timeoutMs,
      maxReplyBytes: maxEventBytes,
    });
    if (result.ok && result.reply) {
      try {
        const published = await this.#o.publish([prepare(result.reply, maxEventBytes)]);
        metrics.replies.inc({ trigger: trigger.name }, published.appended);
        log().debug(
          { reply: result.reply.id, duplicate: published.appended === 0 },
          'reply published',
        );
      } catch (err) {
        result = {
          ok: false,
          retryable: !(err instanceof EventTooLargeError),
          status: result.status,
          reason: `the reply could not be published: ${(err as Error).message}`,
        };
      }
    }
    metrics.attemptSeconds.observe(
      { trigger: trigger.name, outcome: result.ok ? 'delivered' : 'failed' },
      (performance.now() - started) / 1000,
    );
    if (result.ok) {
      await this.#finish(entry.id, { kind: 'ack' });
      metrics.delivered.inc({ trigger: trigger.name });
      metrics.latencySeconds.observe(
        { trigger: trigger.name },
        Math.max(0, Date.now() - appendedAt(entry.id)) / 1000,
      );
      if (this.#log.isLevelEnabled('debug')) log().debug({ status: result.status }, 'delivered');
      return;
    }
    const failure: Failure = {
      kind: result.retryable ? 'exhausted' : 'rejected',
      reason: result.reason,
      attempts: attempt,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.body ? { body: result.body } : {}),
    };
    if (!result.retryable || attempt >= maxAttempts(trigger)) {
      await this.#deadLetter(entry, failure);
      return;
    }
    metrics.retried.inc({ trigger: trigger.name });
    log().warn(
      { status: result.status, reason: result.reason, retryInMs: backoffMs(trigger, attempt) },
      'delivery failed; it will be retried',
    );
    try {
      // Restart the entry's idle clock now, so that the backoff counts from the failure rather
      // than from the start of an attempt that may have taken up to the whole timeout.
      const redis = await this.#o.redis();
      await claim(redis, this.#o.keys.stream, trigger.name, this.#o.consumer, 0, [entry.id], {
        justId: true,
      });
    } catch (err) {
      log().warn({ err }, 'could not restart the retry clock; the retry may come early');
    }
  }

  /** Acknowledges, or dead-letters; remembers what is left when Redis does not answer. */
  async #finish(id: string, what: Unfinished, entry?: StreamEntry): Promise<void> {
    const { keys, trigger } = this.#o;
    try {
      const redis = await this.#o.redis();
      if (what.kind === 'ack') {
        await this.#acks.add(id);
      } else {
        const written = await writeDeadLetter(
          redis,
          keys,
          {
            group: trigger.name,
            entry: id,
            event: entry ? JSON.stringify(entry.event) : '',
            subscriber: trigger.subscriber,
          },
          what.failure,
        );
        if (written === null) this.#log.info({ entry: id }, 'entry already settled elsewhere');
      }
      this.#unfinished.delete(id);
    } catch (err) {
      this.#unfinished.set(id, what);
      this.#log.warn({ err, entry: id, todo: what.kind }, 'Redis did not take the outcome; kept');
    }
  }

  async #deadLetter(entry: StreamEntry, failure: Failure): Promise<void> {
    const { trigger, metrics, http } = this.#o;
    const log = this.#eventLog(entry);
    let recorded = failure;
    if (trigger.deadLetterSink) {
      const sent = await sendToSink(entry.event, failure, {
        dispatcher: http,
        sink: trigger.deadLetterSink,
        subscriber: trigger.subscriber,
        timeoutMs: trigger.timeoutMs,
      });
      if (sent.ok) {
        await this.#finish(entry.id, { kind: 'ack' });
        metrics.deadLettered.inc({ trigger: trigger.name, kind: failure.kind });
        log().error(
          { ...summary(failure), sink: trigger.deadLetterSink },
          'dead-lettered to the sink',
        );
        return;
      }
      // The sink failed too: keep the dead letter in the stream rather than lose it.
      recorded = {
        ...failure,
        reason: `${failure.reason}; the dead-letter sink failed: ${sent.reason}`,
      };
    }
    await this.#finish(entry.id, { kind: 'dead-letter', failure: recorded }, entry);
    metrics.deadLettered.inc({ trigger: trigger.name, kind: failure.kind });
    log().error(summary(recorded), 'dead-lettered');
  }

  /** An entry that holds no readable event: dead-lettered with what it holds. */
  async #deadLetterRaw(id: string, fields: readonly string[], reason: string): Promise<void> {
    const { keys, trigger, metrics } = this.#o;
    try {
      await writeDeadLetter(
        await this.#o.redis(),
        keys,
        {
          group: trigger.name,
          entry: id,
          event: JSON.stringify(Object.fromEntries(pairs(fields))),
          subscriber: trigger.subscriber,
        },
        { kind: 'unreadable', reason, attempts: 0 },
      );
      metrics.deadLettered.inc({ trigger: trigger.name, kind: 'unreadable' });
      this.#log.error({ entry: id, reason }, 'unreadable entry dead-lettered');
    } catch (err) {
      this.#log.warn({ err, entry: id }, 'could not dead-letter an unreadable entry');
    }
  }

  /**
   * This consumer's pending entries that are not in flight: outcomes Redis missed are recorded
   * again, and failed entries whose backoff has passed are claimed (counting a delivery) and
   * delivered. After a restart under the same consumer name this also resumes what the previous
   * process left in flight.
   */
  async #scanRetries(): Promise<void> {
    const { keys, trigger, consumer } = this.#o;
    const redis = await this.#o.redis();
    let start = '-';
    for (let page = 0; page < 10 && this.#running; page++) {
      const rows = await pending(redis, keys.stream, trigger.name, {
        minIdleMs: trigger.backoffDelayMs,
        start,
        count: PAGE,
        consumer,
      });
      for (const row of rows) {
        start = `(${row.id}`;
        if (!this.#running) return;
        if (this.#inFlight.has(row.id)) continue;
        const todo = this.#unfinished.get(row.id);
        if (todo) {
          await this.#finish(row.id, todo, await this.#read(row.id));
          continue;
        }
        const exhausted = row.deliveries >= maxAttempts(trigger);
        if (!exhausted && row.idleMs < backoffMs(trigger, row.deliveries)) continue;
        if (!exhausted && this.#capacity() <= 0) return;
        // An exhausted entry here was interrupted during its last attempt; the minimum idle time
        // still keeps the claim from taking an entry another consumer claimed a moment ago.
        const minIdle = exhausted ? trigger.backoffDelayMs : backoffMs(trigger, row.deliveries);
        const claimed = await claim(redis, keys.stream, trigger.name, consumer, minIdle, [row.id]);
        await this.#accept(claimed, () => row.deliveries + 1);
      }
      if (rows.length < PAGE) return;
    }
  }

  /** Takes over entries another consumer (or a previous process) left pending too long. */
  async #reclaim(): Promise<void> {
    const { keys, trigger, consumer, visibilityMs, metrics } = this.#o;
    const redis = await this.#o.redis();
    let cursor = '0-0';
    do {
      const free = this.#capacity();
      if (free <= 0 || !this.#running) return;
      const result = await autoClaim(
        redis,
        keys.stream,
        trigger.name,
        consumer,
        visibilityMs,
        cursor,
        free,
      );
      cursor = result.cursor;
      const fresh = result.entries.filter(([id]) => !this.#inFlight.has(id));
      if (fresh.length === 0) continue;
      const counts = new Map<string, number>();
      for (const [id] of fresh) {
        counts.set(id, (await deliveriesOf(redis, keys.stream, trigger.name, id)) ?? 1);
      }
      metrics.reclaimed.inc({ trigger: trigger.name }, fresh.length);
      this.#log.info(
        { entries: fresh.length },
        'took over entries left pending by another consumer',
      );
      await this.#accept(fresh, (id) => counts.get(id) ?? 1);
    } while (cursor !== '0-0' && this.#running);
  }

  /**
   * The logger of one entry (its CloudEvent id, type, source and trace), made on first use:
   * pino serializes a child's bindings when it is made, which a delivery that logs nothing
   * should not pay for.
   */
  #eventLog(entry: StreamEntry, extra: Record<string, unknown> = {}): () => Logger {
    let log: Logger | undefined;
    return () => (log ??= eventLogger(this.#log, entry.event).child({ entry: entry.id, ...extra }));
  }

  async #read(id: string): Promise<StreamEntry | undefined> {
    const [found] = (await (await this.#o.redis()).call('XRANGE', this.#o.keys.stream, id, id)) as [
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

function* pairs(fields: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < fields.length; i += 2) yield [fields[i]!, fields[i + 1]!];
}

const summary = (failure: Failure) => ({
  kind: failure.kind,
  reason: failure.reason,
  status: failure.status,
  attempts: failure.attempts,
});
