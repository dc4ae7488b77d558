import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/index';
import { maxAttempts } from './backoff';
import { decodeEntry, type StreamEntry } from './entry';
import type { TriggerKeys } from './keys';
import type { Settler } from './settle';
import { Slots } from './slots';
import { ack, type RawEntry } from './streams';
import type { Trigger } from './triggers';

export interface DeliveriesOptions {
  trigger: Trigger;
  keys: TriggerKeys;
  concurrency: number;
  redis: () => Promise<Redis>;
  settle: Settler;
  /**
   * One delivery attempt (`attempt` counts from 1); it calls `answered` once the subscriber has
   * answered, which frees the entry's slot while its outcome is being recorded.
   */
  attempt: (entry: StreamEntry, attempt: number, answered: () => void) => Promise<void>;
  /** Attempts running (the in-flight gauge). */
  metrics: { inFlight: { inc(): void; dec(): void } };
  log: Logger;
}

/**
 * The entries one trigger has taken (read or claimed) in this process, and their deliveries, at
 * most `concurrency` at a time. An entry taken while every slot is busy waits here for one: it
 * must not be left pending, where a later claim would count a delivery that never happened
 * against its retries.
 */
export class Deliveries {
  readonly #o: DeliveriesOptions;
  readonly #slots: Slots;
  /** Entries taken for delivery (running or queued for a slot), by id. */
  readonly #taken = new Set<string>();
  /** Taken entries waiting for a slot; non-empty only while every slot is busy. */
  readonly #queue: { entry: StreamEntry; attempt: number }[] = [];
  /** Told once nothing is taken any more (a stop waits for that). */
  #idle: (() => void)[] = [];
  /** Slots promised to reads in flight at the ingress (IngressClaims), not yet taken. */
  #reserved = 0;

  constructor(options: DeliveriesOptions) {
    this.#o = options;
    this.#slots = new Slots(options.concurrency);
  }

  /** Whether an entry is being delivered (or waits for a slot); scans leave such entries be. */
  has(id: string): boolean {
    return this.#taken.has(id);
  }

  /** How many entries may still be taken (read or claimed) now. */
  get capacity(): number {
    return this.#slots.free - this.#queue.length - this.#reserved;
  }

  /** Holds the whole capacity for a read in flight; how much that is. */
  reserve(): number {
    const held = Math.max(0, this.capacity);
    this.#reserved += held;
    return held;
  }

  /** Releases what `reserve` held, then takes what that read brought (new entries: attempt 1). */
  async takeReserved(
    reserved: number,
    entries: readonly (StreamEntry | RawEntry)[],
  ): Promise<void> {
    this.#reserved = Math.max(0, this.#reserved - reserved);
    await this.take(entries, () => 1);
    // The freed reservation may be what a waiting read needs.
    if (entries.length < reserved) this.#slots.notify();
  }

  /** Resolves once there is capacity (at once if there is), or when it may have come back. */
  whenFree(): Promise<void> {
    return this.capacity > 0 ? Promise.resolve() : this.#slots.nextChange();
  }

  /**
   * Takes entries just read or claimed (`deliveries` is an entry's delivery count, this attempt
   * included), as Redis returned them or, when the ingress appended them, with their event: an
   * outcome decided before is recorded rather than delivered again, an entry found after its last
   * attempt (the broker died during it) is dead-lettered as interrupted, and every other one is
   * delivered.
   */
  async take(
    entries: readonly (StreamEntry | RawEntry)[],
    deliveries: (id: string) => number,
  ): Promise<void> {
    const { trigger, settle } = this.#o;
    const deleted: string[] = [];
    for (const item of entries) {
      let entry: StreamEntry;
      if (isRaw(item)) {
        const [id, fields] = item;
        if (fields === null) {
          deleted.push(id); // deleted since it was appended: nothing left to deliver
          continue;
        }
        try {
          entry = decodeEntry(id, fields);
        } catch (err) {
          await settle.deadLetterRaw(id, fields, (err as Error).message);
          continue;
        }
      } else entry = item; // appended by this process's ingress: its event is at hand
      const id = entry.id;
      const todo = settle.unfinished(id);
      if (todo) {
        await settle.recordAgain(id, todo, entry);
        continue;
      }
      const count = deliveries(id);
      if (count > maxAttempts(trigger)) {
        await settle.deadLetter(entry, {
          kind: 'interrupted',
          reason: `the broker stopped during attempt ${count - 1} of ${maxAttempts(trigger)}, the last one`,
          attempts: count - 1,
        });
        continue;
      }
      this.#start(entry, count);
    }
    if (deleted.length) {
      try {
        await ack(await this.#o.redis(), this.#o.keys.stream, trigger.name, deleted);
      } catch (err) {
        // Still pending on this consumer: the retry scan meets them again.
        this.#o.log.warn({ err, entries: deleted.length }, 'acknowledging deleted entries failed');
      }
    }
  }

  /** Resolves once every delivery taken so far has finished. */
  drained(): Promise<void> {
    if (this.#taken.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Delivers an entry as soon as a slot is free; one already taken is left alone. */
  #start(entry: StreamEntry, attempt: number): void {
    if (this.#taken.has(entry.id)) return;
    this.#taken.add(entry.id);
    this.#queue.push({ entry, attempt });
    this.#drain();
  }

  #drain(): void {
    while (this.#slots.free > 0 && this.#queue.length > 0) {
      const { entry, attempt } = this.#queue.shift()!;
      this.#slots.take();
      this.#o.metrics.inFlight.inc();
      void this.#run(entry, attempt);
    }
  }

  async #run(entry: StreamEntry, attempt: number): Promise<void> {
    // The slot bounds requests to the subscriber, so it is free once the subscriber answered;
    // the entry stays taken (scans leave it be, a stop waits for it) until its outcome is in Redis.
    let holding = true;
    const answered = () => {
      if (!holding) return;
      holding = false;
      this.#o.metrics.inFlight.dec();
      this.#slots.release();
      this.#drain();
    };
    try {
      await this.#o.attempt(entry, attempt, answered);
    } catch (err) {
      this.#o.log.error({ err, entry: entry.id }, 'delivery task failed');
    } finally {
      this.#taken.delete(entry.id);
      answered();
      if (this.#taken.size === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }
}

const isRaw = (item: StreamEntry | RawEntry): item is RawEntry => Array.isArray(item);
