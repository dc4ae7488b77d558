import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { RedisHandle } from '../../shared/redis/index';
import type { Logger } from '../../shared/log/index';
import { runAttempt } from './attempt';
import { longestBackoffMs } from './backoff';
import { targetOf } from './deliver';
import type { StreamEntry } from './entry';
import { Intake } from './intake';
import type { TriggerKeys } from './keys';
import { Loops } from './loops';
import { triggerMetrics, type BrokerMetrics } from './metrics';
import type { Publish } from './publish';
import { ScanPace } from './scan-pace';
import { Settler } from './settle';
import type { RawEntry } from './streams';
import type { Trigger } from './triggers';

export interface DispatcherOptions {
  trigger: Trigger;
  /** The trigger's keys: its stream, dead letters and duplicate markers. */
  keys: TriggerKeys;
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
  /** Told when the trigger's stream or group is gone. */
  onLost: (what: string) => void;
  maxEventBytes: number;
  metrics: BrokerMetrics;
  log: Logger;
}

/** How often the retry scan looks when nothing of this process is known to be pending. */
const IDLE_SCAN_MS = 5_000;

/**
 * Delivers one trigger's entries, from its own stream: the intake (blocking reads, due retries
 * from the pending list, takeover of dead consumers' entries, the delivery limit), the attempt
 * (the POST and its reply), and the settlement (acknowledgement, dead letter, or a retry later).
 * An entry is acknowledged only after a 2xx, or together with its dead letter; until then it
 * stays in the pending list, which is what retries and restarts read.
 */
export class TriggerDispatcher {
  readonly #o: DispatcherOptions;
  readonly #loops: Loops;
  readonly #intake: Intake;
  readonly #log: Logger;
  #running: Promise<void>[] = [];

  constructor(options: DispatcherOptions) {
    this.#o = options;
    const { trigger, keys, consumer, redis, http } = options;
    const log = options.log.child({ trigger: trigger.name });
    this.#log = log;
    const metrics = triggerMetrics(options.metrics, trigger.name);
    // Parsed once here, not per attempt.
    const subscriber = targetOf(trigger.subscriber);
    const deadLetterSink = trigger.deadLetterSink ? targetOf(trigger.deadLetterSink) : undefined;
    const scanPace = new ScanPace({
      intervalMs: options.retryScanMs,
      idleIntervalMs: IDLE_SCAN_MS,
      windowMs: longestBackoffMs(trigger) + trigger.backoffDelayMs + 2 * options.retryScanMs,
    });
    const settle = new Settler({
      trigger,
      keys,
      consumer,
      redis,
      http,
      subscriber,
      ...(deadLetterSink ? { deadLetterSink } : {}),
      metrics,
      log,
      onLeftPending: () => scanPace.expect(),
    });
    const attempt = { trigger, subscriber, http, settle, metrics, log };
    const { publish, maxEventBytes } = options;
    this.#loops = new Loops(log);
    this.#intake = new Intake({
      trigger,
      keys,
      consumer,
      concurrency: options.concurrency,
      visibilityMs: options.visibilityMs,
      redis,
      reader: options.reader,
      loops: this.#loops,
      settle,
      attempt: (entry, n, answered) =>
        runAttempt(entry, n, { ...attempt, publish, maxEventBytes }, answered),
      onLost: options.onLost,
      scanPace,
      metrics,
      log,
    });
  }

  get name(): string {
    return this.#o.trigger.name;
  }

  /** How many new entries the ingress may read for this trigger now; held until `takeRead`. */
  reserve(): number {
    return this.#intake.reserve();
  }

  /** Delivers the entries the ingress read for this trigger, releasing what `reserve` held. */
  takeRead(reserved: number, entries: readonly (StreamEntry | RawEntry)[]): void {
    this.#intake.takeReserved(reserved, entries).catch((err: unknown) => {
      // Still pending on this consumer: the retry scan meets them again.
      this.#log.error(
        { err, entries: entries.length },
        'taking entries read at the ingress failed',
      );
    });
  }

  /** Starts the three loops: reading, the retry scan, the takeover. */
  start(): void {
    if (this.#loops.running) return;
    this.#loops.start();
    const { retryScanMs, visibilityMs } = this.#o;
    const intake = this.#intake;
    this.#running = [
      intake.readLoop(),
      this.#loops.every(retryScanMs, () => intake.scanRetries()),
      this.#loops.every(Math.min(Math.max(visibilityMs / 4, 1000), 30_000), () => intake.reclaim()),
    ];
  }

  /**
   * Stops reading and scanning, then waits for the deliveries in flight. Whatever is still
   * pending stays pending, on this consumer, for the next start; the group is never touched.
   */
  async stop(): Promise<void> {
    if (!this.#loops.running) return;
    this.#loops.stop();
    // A blocked XREADGROUP holds its connection for up to its block time; closing it ends the
    // read. Entries Redis handed out in that instant stay pending on this consumer and are retried.
    (await this.#o.reader.client()).disconnect();
    await Promise.allSettled(this.#running);
    await this.#intake.drained();
  }
}
