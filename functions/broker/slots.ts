/** A counting limit on parallel deliveries, with a way to wait until one is free. */
export class Slots {
  #used = 0;
  #waiters: (() => void)[] = [];

  constructor(readonly size: number) {}

  get free(): number {
    return this.size - this.#used;
  }

  get used(): number {
    return this.#used;
  }

  /** Takes a slot; the caller checked `free` first. */
  take(): void {
    if (this.#used >= this.size) throw new Error('no free slot');
    this.#used += 1;
  }

  release(): void {
    this.#used = Math.max(0, this.#used - 1);
    this.notify();
  }

  /** Wakes whoever waits for a slot: the capacity they wait for may have changed (a read released). */
  notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once at least one slot is free (at once if one is). */
  whenFree(): Promise<void> {
    if (this.free > 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves at the next release or notify, whatever the count then. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves once every slot is free again. */
  async whenIdle(): Promise<void> {
    while (this.#used > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}
