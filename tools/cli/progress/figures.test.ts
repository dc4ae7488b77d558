import { describe, expect, it } from 'vitest';
import { RateEstimator } from './estimate';
import { describeFigures, figuresOf } from './figures';

const view = (done: number, failed: number, fetching?: number | null) => ({
  jobId: 'job-1',
  state: 'running' as const,
  total: 300,
  done,
  failed,
  ...(fetching === undefined ? {} : { fetching }),
});

describe('figuresOf and describeFigures', () => {
  it('counts learned and failed towards the total, with rate and time left', () => {
    const estimate = new RateEstimator();
    figuresOf(view(0, 0, 100), estimate, 0);
    const figures = figuresOf(view(48, 2, 40), estimate, 10_000);
    expect(figures).toMatchObject({ settled: 50, rate: 5, eta: 50, fetching: 40 });
    expect(describeFigures(figures)).toBe('48/300 learned, 2 failed, 40 fetching, 5.0/s, ETA 0:50');
  });

  it('says what it does not know yet', () => {
    const estimate = new RateEstimator();
    const queued = figuresOf({ ...view(0, 0), state: 'queued', total: null }, estimate, 0);
    expect(describeFigures(queued)).toBe('waiting for a learner to plan the job');
    // Waiting for pages still being fetched: not planned yet, so no total.
    const waiting = figuresOf({ ...view(0, 1, 7), total: null }, estimate, 100);
    expect(describeFigures(waiting)).toBe('0/? learned, 1 failed, 7 fetching, –/s, ETA –');
    // A server without the fetching figure: the part is left out.
    expect(describeFigures(figuresOf(view(1, 0), estimate, 500))).toBe(
      '1/300 learned, 0 failed, –/s, ETA –',
    );
  });
});
