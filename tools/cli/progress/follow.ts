import { setTimeout as sleep } from 'node:timers/promises';
import type { Api } from '../api';
import { CliError, ExitCode } from '../errors';
import { jobView, type JobView } from '../views';
import { RateEstimator } from './estimate';
import { figuresOf } from './figures';
import type { Reporter } from './reporter';

/** Polls in a row that may fail (a function restarting, a gateway hiccup) before giving up. */
const MAX_POLL_FAILURES = 5;

export interface FollowOptions {
  intervalMs: number;
  /** Ends the wait (Ctrl-C); the pending poll or sleep rejects with an AbortError. */
  signal: AbortSignal;
  /** Told of a poll that failed but will be tried again. */
  onRetry(err: CliError, failures: number): void;
}

/**
 * Polls `GET /multivac/jobs/{id}` until the job has succeeded or failed, reporting every poll;
 * returns the final view. A long wait survives a few failed polls in a row.
 */
export async function followJob(
  api: Api,
  jobId: string,
  reporter: Reporter,
  { intervalMs, signal, onRetry }: FollowOptions,
): Promise<JobView> {
  const estimate = new RateEstimator();
  const started = Date.now();
  let failures = 0;
  for (;;) {
    try {
      const view = await api.json(jobView, 'GET', `/multivac/jobs/${encodeURIComponent(jobId)}`);
      failures = 0;
      const elapsed = Date.now() - started;
      reporter.update(figuresOf(view, estimate, elapsed), elapsed);
      if (view.state === 'succeeded' || view.state === 'failed') return view;
    } catch (err) {
      const transient = err instanceof CliError && err.exitCode === ExitCode.unreachable;
      if (!transient || ++failures > MAX_POLL_FAILURES) throw err;
      onRetry(err, failures);
    }
    await sleep(intervalMs, undefined, { signal });
  }
}
