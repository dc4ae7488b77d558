import type { Metrics } from '../../shared/metrics/index';

/** Byte buckets: a tiny text page up to the largest body a fetch may return (default 2 MiB). */
const BYTES = [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 2_097_152, 8_388_608];

/** Outcome of one fetch attempt. */
export type FetchOutcome = 'acquired' | 'failed' | 'retry' | 'gave-up';

/** `acquire`'s own metrics, on the process registry. */
export function acquireMetrics(metrics: Metrics) {
  const fetches = metrics.counter(
    'multivac_acquire_fetches_total',
    'Fetch attempts by outcome (acquired, failed, retry, gave-up) and cause (ok or an error code).',
    ['outcome', 'code'] as const,
  );
  const bytes = metrics.histogram(
    'multivac_acquire_fetched_bytes',
    'Body size of fetched pages, in bytes.',
    [],
    BYTES,
  );
  const duration = metrics.histogram(
    'multivac_acquire_fetch_duration_seconds',
    'Fetch and extraction time of one attempt, whatever its outcome.',
  );
  return {
    fetched(outcome: FetchOutcome, code: string, seconds: number): void {
      fetches.inc({ outcome, code });
      duration.observe(seconds);
    },
    bytes(count: number): void {
      bytes.observe(count);
    },
  };
}

export type AcquireMetrics = ReturnType<typeof acquireMetrics>;
