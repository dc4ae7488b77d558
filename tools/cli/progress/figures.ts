import type { JobView } from '../views';
import type { RateEstimator } from './estimate';
import { clock, perSecond } from './format';

/** What a progress display shows of a job at one moment. */
export interface Figures {
  state: JobView['state'];
  /** Documents to learn plus waited pages that failed; null until planned. */
  total: number | null;
  /** Learned so far. */
  done: number;
  /** Pages that could not be fetched or documents that vanished. */
  failed: number;
  /** Pages of the job still being fetched; null when the server does not say. */
  fetching: number | null;
  /** Done or failed: how far the bar is. */
  settled: number;
  rate: number | null;
  /** Seconds left at the current rate; null while unknown. */
  eta: number | null;
}

/** Records the job's progress at `at` (ms) in `estimate` and returns what to show. */
export function figuresOf(view: JobView, estimate: RateEstimator, at: number): Figures {
  const settled = view.done + view.failed;
  estimate.add(at, settled);
  return {
    state: view.state,
    total: view.total,
    done: view.done,
    failed: view.failed,
    fetching: view.fetching ?? null,
    settled,
    rate: estimate.rate(),
    eta: view.total === null ? null : estimate.eta(view.total - settled),
  };
}

/**
 * The figures in words: "120/300 learned, 3 failed, 40 fetching, 5.2/s, ETA 0:35". A job plans
 * once the pages it waits for have been fetched: until then its total is "?".
 */
export function describeFigures(f: Figures): string {
  if (f.total === null && !f.fetching) return 'waiting for a learner to plan the job';
  return [
    `${f.done}/${f.total ?? '?'} learned`,
    `${f.failed} failed`,
    ...(f.fetching === null ? [] : [`${f.fetching} fetching`]),
    perSecond(f.rate),
    // Rounded up: "0:00" only once nothing is left.
    `ETA ${f.eta === null ? '–' : clock(Math.ceil(f.eta))}`,
  ].join(', ');
}
