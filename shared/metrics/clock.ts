/**
 * Milliseconds on the process's monotonic clock, for durations. Not `performance.now()`: the
 * first touch of `performance` (the global or `node:perf_hooks`) loads Node's whole performance
 * API — a dozen internal modules, ~2.5–3.5 ms of a cold start before the function listens, on
 * the 2-core machine — and `process.hrtime` reads the same clock with nothing to load.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/** Seconds since `startedMs` (a `monotonicMs()`), as the metrics' histograms take them. */
export const secondsSince = (startedMs: number): number => (monotonicMs() - startedMs) / 1e3;
