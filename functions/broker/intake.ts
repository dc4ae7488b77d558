import type { Redis } from 'ioredis';
import type { RedisHandle } from '../../shared/redis/index';
import type { Logger } from '../../shared/log/index';
import { backoffMs, maxAttempts } from './backoff';
import { Deliveries } from './deliveries';
import type { StreamEntry } from './entry';
import type { TriggerKeys } from './keys';
import type { Loops } from './loops';
import type { ScanPace } from './scan-pace';
import type { TriggerMetrics } from './metrics';
import type { Settler } from './settle';
import { autoClaim, claim, deliveriesOf, pending, readGroup, type RawEntry } from './streams';
import type { Trigger } from './triggers';

export interface IntakeOptions {
  trigger: Trigger;
  keys: TriggerKeys;
  consumer: string;
  concurrency: number;
  /** Idle time after which another consumer's entry is taken over (`XAUTOCLAIM`). */
  visibilityMs: number;
  redis: () => Promise<Redis>;
  /** A connection of its own for the blocking reads. */
  reader: RedisHandle;
  loops: Loops;
  settle: Settler;
  /** Delivers one entry (`attempt` counts from 1), calling `answered` once answered; never throws. */
  attempt: (entry: StreamEntry, attempt: number, answered: () => void) => Promise<void>;
  /** Told when the trigger's stream or group is gone (Redis lost it, or someone deleted it). */
  onLost: (what: string) => void;
  /** When the retry scan asks Redis. */
  scanPace: ScanPace;
  metrics: TriggerMetrics;
  log: Logger;
}

/** How long one XREADGROUP waits for new entries; bounds how long a stop waits for the read. */
const BLOCK_MS = 2000;
/** Pause after a Redis error before the read loop tries again. */
const ERROR_PAUSE_MS = 500;
const PAGE = 100;

/**
 * How a trigger's entries come to be delivered, at most `concurrency` at a time: a blocking read
 * of new entries, a scan of this consumer's pending list for retries that are due, and a takeover
 * of entries another consumer left pending too long. Every entry taken runs through `attempt`
 * (or, when its outcome was decided already, through the settler).
 */
export class Intake {
  readonly #o: IntakeOptions;
  readonly #deliveries: Deliveries;

  constructor(options: IntakeOptions) {
    this.#o = options;
    this.#deliveries = new Deliveries(options);
  }

  /** Resolves once every delivery taken so far has finished. */
  drained(): Promise<void> {
    return this.#deliveries.drained();
  }

  /**
   * Holds what this trigger can take now for a read at the ingress (IngressClaims); 0 once
   * stopped, so that a stop's drain is not refilled.
   */
  reserve(): number {
    return this.#o.loops.running ? this.#deliveries.reserve() : 0;
  }

  /** Takes the new entries that read brought, releasing what `reserve` held. */
  takeReserved(reserved: number, entries: readonly (StreamEntry | RawEntry)[]): Promise<void> {
    return this.#deliveries.takeReserved(reserved, entries);
  }

  /** Reads new entries, as many as there are free slots, until stopped. */
  async readLoop(): Promise<void> {
    const { keys, trigger, consumer, loops } = this.#o;
    while (loops.running) {
      while (this.#deliveries.capacity <= 0 && loops.running) await this.#deliveries.whenFree();
      if (!loops.running) break;
      let entries: RawEntry[];
      try {
        const reader = await this.#o.reader.client();
        entries = await readGroup(
          reader,
          keys.stream,
          trigger.name,
          consumer,
          this.#deliveries.capacity,
          BLOCK_MS,
        );
      } catch (err) {
        if (!loops.running) break;
        if (!this.#lost(err)) loops.warnAtMostEvery(10_000, err, 'reading the stream failed');
        await loops.pause(ERROR_PAUSE_MS);
        continue;
      }
      await this.#deliveries.take(entries, () => 1);
    }
  }

  /**
   * This consumer's pending entries that are not in flight: outcomes Redis missed are recorded
   * again, and failed entries whose backoff has passed are claimed (counting a delivery) and
   * delivered. After a restart under the same consumer name this also resumes what the previous
   * process left in flight.
   */
  async scanRetries(): Promise<void> {
    if (!this.#o.scanPace.due()) return;
    await this.#noticingLoss(async () => this.#o.scanPace.scanned(await this.#scanRetries()));
  }

  /** Takes over entries another consumer (or a previous process) left pending too long. */
  async reclaim(): Promise<void> {
    await this.#noticingLoss(() => this.#reclaim());
  }

  /**
   * Whether `err` says the trigger's group or stream is gone (NOGROUP; UNBLOCKED: the stream went
   * during a blocking read), which is reported so that they are made again.
   */
  #lost(err: unknown): boolean {
    const message = String((err as Error).message);
    if (!message.startsWith('NOGROUP') && !message.startsWith('UNBLOCKED')) return false;
    this.#o.onLost(`${this.#o.keys.stream} (group ${this.#o.trigger.name}): ${message}`);
    return true;
  }

  async #noticingLoss(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      if (!this.#lost(err)) throw err;
    }
  }

  /** One scan; whether it left entries of ours for later (not due yet, no room, more pages). */
  async #scanRetries(): Promise<boolean> {
    const { keys, trigger, consumer, loops, settle } = this.#o;
    const redis = await this.#o.redis();
    let start = '-';
    let later = false;
    for (let page = 0; page < 10 && loops.running; page++) {
      const rows = await pending(redis, keys.stream, trigger.name, {
        minIdleMs: trigger.backoffDelayMs,
        start,
        count: PAGE,
        consumer,
      });
      for (const row of rows) {
        start = `(${row.id}`;
        if (!loops.running) return true;
        if (this.#deliveries.has(row.id)) continue;
        const todo = settle.unfinished(row.id);
        if (todo) {
          await settle.recordAgain(row.id, todo);
          continue;
        }
        const exhausted = row.deliveries >= maxAttempts(trigger);
        if (!exhausted && row.idleMs < backoffMs(trigger, row.deliveries)) {
          later = true;
          continue;
        }
        if (!exhausted && this.#deliveries.capacity <= 0) return true;
        // An exhausted entry here was interrupted during its last attempt; the minimum idle time
        // still keeps the claim from taking an entry another consumer claimed a moment ago.
        const minIdle = exhausted ? trigger.backoffDelayMs : backoffMs(trigger, row.deliveries);
        const claimed = await claim(redis, keys.stream, trigger.name, consumer, minIdle, [row.id]);
        await this.#deliveries.take(claimed, () => row.deliveries + 1);
      }
      if (rows.length < PAGE) return later;
    }
    return true;
  }

  async #reclaim(): Promise<void> {
    const { keys, trigger, consumer, visibilityMs, metrics, loops } = this.#o;
    const redis = await this.#o.redis();
    let cursor = '0-0';
    do {
      const free = this.#deliveries.capacity;
      if (free <= 0 || !loops.running) return;
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
      const fresh = result.entries.filter(([id]) => !this.#deliveries.has(id));
      if (fresh.length === 0) continue;
      const counts = new Map<string, number>();
      for (const [id] of fresh) {
        counts.set(id, (await deliveriesOf(redis, keys.stream, trigger.name, id)) ?? 1);
      }
      metrics.reclaimed.inc(fresh.length);
      this.#o.log.info(
        { entries: fresh.length },
        'took over entries left pending by another consumer',
      );
      await this.#deliveries.take(fresh, (id) => counts.get(id) ?? 1);
    } while (cursor !== '0-0' && loops.running);
  }
}
