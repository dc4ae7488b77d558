/** A counting limit on parallel deliveries, with a way to wait for a change. */
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

  /** Wakes whoever waits: what they wait for may have changed (a read at the append released). */
  notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves at the next release or notify, whatever the count then. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
