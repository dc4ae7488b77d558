/**
 * A value built on first use and shared afterwards; a failed build is forgotten so the next call
 * tries again (a database that was down at the first request must not poison the process).
 */
export function lazy<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** The synchronous variant, for values whose construction cannot fail halfway. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
