/**
 * `fn`, run for one call at a time: later calls wait for the ones before them, whether those
 * succeed or fail. acquire extracts pages through it — extraction is CPU work, so two at once on
 * one CPU finish no sooner, and two 2 MiB pages at once do not fit a 32 MiB heap where one does.
 */
export function oneAtATime<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  let last: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const run = last.then(
      () => fn(...args),
      () => fn(...args),
    );
    last = run.catch(() => undefined);
    return run;
  };
}
