/**
 * Documents settled per second over the last `windowMs`, and the time left at that pace. A window
 * rather than the whole run, so the estimate follows the job when fetching slows it or a backlog
 * clears.
 */
export class RateEstimator {
  private samples: { at: number; settled: number }[] = [];

  constructor(private readonly windowMs = 15_000) {}

  /** Records that `settled` members of the job were counted at time `at` (ms). */
  add(at: number, settled: number): void {
    this.samples.push({ at, settled });
    const since = at - this.windowMs;
    // Keep the newest sample at or before the window's start, so the span covers the window.
    while (this.samples.length > 2 && this.samples[1]!.at <= since) this.samples.shift();
  }

  /** Per second over the window; null until the samples span at least a second. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 1000) return null;
    return Math.max(0, (last.settled - first.settled) / ((last.at - first.at) / 1000));
  }

  /** Seconds until `remaining` more are settled at the current rate; null while unknown. */
  eta(remaining: number): number | null {
    if (remaining <= 0) return 0;
    const rate = this.rate();
    return rate ? remaining / rate : null;
  }
}
