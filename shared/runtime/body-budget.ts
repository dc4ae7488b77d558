/**
 * Bytes of request bodies a process works on at once. A request takes its declared length (or the
 * body limit when it streams without one) before its body is read and gives it back when its
 * answer is done; one that does not fit waits, in arrival order, with its body still unread in the
 * socket (Node stops reading a request nobody consumes). So the bodies in memory, and what handling
 * them costs (a 1 MiB text is parsed, normalized, hashed and serialized: several MiB of heap), stay
 * bounded whatever Knative's concurrency lets in: 50 raw texts of 1 MiB at once ran data's 32 MiB
 * heap out of memory.
 */
export class BodyBudget {
  #free: number;
  readonly #waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly capacity: number) {
    this.#free = capacity;
  }

  /** Waits until `bytes` (at most the capacity) are free and takes them; the release function. */
  take(bytes: number): Promise<() => void> | (() => void) {
    const wanted = Math.min(bytes, this.capacity);
    if (this.#waiting.length === 0 && wanted <= this.#free) {
      this.#free -= wanted;
      return this.#releaser(wanted);
    }
    return new Promise((resolve) => {
      this.#waiting.push({ bytes: wanted, grant: () => resolve(this.#releaser(wanted)) });
    });
  }

  #releaser(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#free += bytes;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#waiting.length > 0 && this.#waiting[0]!.bytes <= this.#free) {
      const next = this.#waiting.shift()!;
      this.#free -= next.bytes;
      next.grant();
    }
  }
}
