import type { Logger } from '../../shared/log/index';

/**
 * The running state of a dispatcher's loops: pauses that a stop cuts short, tasks repeated at an
 * interval, and warnings that repeat while Redis is away logged once in a while with a count.
 */
export class Loops {
  readonly #log: Logger;
  #running = false;
  #wake: (() => void)[] = [];
  readonly #warned = new Map<string, { at: number; times: number }>();

  constructor(log: Logger) {
    this.#log = log;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    this.#running = true;
  }

  /** Ends every pause at once; the loops see `running` false and end. */
  stop(): void {
    this.#running = false;
    for (const wake of this.#wake.splice(0)) wake();
  }

  /** Waits `ms`, or less when stopped. */
  pause(ms: number): Promise<void> {
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

  /** Runs `task` every `ms` until stopped, one run at a time. */
  async every(ms: number, task: () => Promise<void>): Promise<void> {
    while (this.#running) {
      await this.pause(ms);
      if (!this.#running) break;
      try {
        await task();
      } catch (err) {
        if (this.#running) this.warnAtMostEvery(10_000, err, 'pending-list maintenance failed');
      }
    }
  }

  /** A warning logged at most once per `ms`, with how often it came meanwhile. */
  warnAtMostEvery(ms: number, err: unknown, message: string): void {
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
}
