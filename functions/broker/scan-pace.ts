/**
 * When a trigger's retry scan asks Redis. The scan finds what this process left pending: failed
 * entries whose backoff has passed, outcomes Redis did not take, and — after a restart — what the
 * previous process left in flight. All but the last are known here when they happen, so the scan
 * runs at its full pace (`intervalMs`) only for a while after one of them (`expect`) or after a
 * scan that left entries for later; otherwise it looks every `idleIntervalMs`, for what no
 * process could know of (a read whose reply was lost). An idle broker then asks Redis a few times
 * a minute per trigger instead of four times a second.
 */
export class ScanPace {
  readonly #o: ScanPaceOptions;
  readonly #now: () => number;
  #activeUntil: number;
  #nextIdleScan = 0;

  constructor(options: ScanPaceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    // What a previous process left pending comes due within the window after a start.
    this.#activeUntil = this.#now() + options.windowMs;
  }

  /** Something pending will come due within the window: scan at the full pace until then. */
  expect(): void {
    this.#activeUntil = Math.max(this.#activeUntil, this.#now() + this.#o.windowMs);
  }

  /** Whether the scan should ask Redis now. */
  due(): boolean {
    const now = this.#now();
    return now < this.#activeUntil || now >= this.#nextIdleScan;
  }

  /** A scan ran; `leftForLater`: it saw entries of ours that were not due yet (or had no room). */
  scanned(leftForLater: boolean): void {
    this.#nextIdleScan = this.#now() + Math.max(this.#o.idleIntervalMs, this.#o.intervalMs);
    if (leftForLater) this.expect();
  }
}

export interface ScanPaceOptions {
  /** The full pace (MULTIVAC_RETRY_SCAN_MS). */
  intervalMs: number;
  /** The pace when nothing of ours is known to be pending. */
  idleIntervalMs: number;
  /** How long after a failure its retry may take to come due: the longest backoff and a margin. */
  windowMs: number;
  now?: () => number;
}
