/**
 * Gathers the calls made within one turn of the event loop into one call with all their items:
 * many deliveries finishing together cost one `XACK` with many ids instead of one each. Every
 * caller learns the outcome of the call its item went out in.
 */
export class Batcher<T> {
  #items: T[] = [];
  #waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  #scheduled = false;

  constructor(
    private readonly send: (items: T[]) => Promise<unknown>,
    /** At most this many items per call. */
    private readonly max = 500,
  ) {}

  /** Resolves once the call that carried `item` succeeded; rejects with its error. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#items.push(item);
      this.#waiters.push({ resolve, reject });
      if (this.#items.length >= this.max) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#items.length === 0) return;
    const items = this.#items;
    const waiters = this.#waiters;
    this.#items = [];
    this.#waiters = [];
    this.send(items).then(
      () => waiters.forEach((w) => w.resolve()),
      (err: unknown) => waiters.forEach((w) => w.reject(err)),
    );
  }
}
