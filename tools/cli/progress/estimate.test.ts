import { describe, expect, it } from 'vitest';
import { RateEstimator } from './estimate';

describe('RateEstimator', () => {
  it('knows no rate until its samples span a second', () => {
    const estimate = new RateEstimator();
    expect(estimate.rate()).toBeNull();
    estimate.add(0, 0);
    estimate.add(500, 10);
    expect(estimate.rate()).toBeNull();
    expect(estimate.eta(10)).toBeNull();
    expect(estimate.eta(0)).toBe(0);
  });

  it('measures over the recent window only, and projects the rest', () => {
    const estimate = new RateEstimator(10_000);
    // 1 a second for 20 s, then 5 a second for 10 s.
    for (let t = 0; t <= 20; t++) estimate.add(t * 1000, t);
    for (let t = 21; t <= 30; t++) estimate.add(t * 1000, 20 + (t - 20) * 5);
    expect(estimate.rate()).toBe(5);
    expect(estimate.eta(50)).toBe(10);
  });

  it('has no time left to offer while nothing moves', () => {
    const estimate = new RateEstimator();
    estimate.add(0, 3);
    estimate.add(2000, 3);
    expect(estimate.rate()).toBe(0);
    expect(estimate.eta(5)).toBeNull();
  });
});
