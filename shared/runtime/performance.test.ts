import { describe, expect, it } from 'vitest';
import { performance as clock } from './performance';

describe("the drivers' performance (injected by tools/build)", () => {
  it('counts milliseconds as performance.now does', async () => {
    const [start, reference] = [clock.now(), performance.now()];
    await new Promise((r) => setTimeout(r, 30));
    const elapsed = clock.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(Math.abs(elapsed - (performance.now() - reference))).toBeLessThan(5);
  });

  it('is the real performance for everything else, methods bound to it', () => {
    expect(clock.timeOrigin).toBe(performance.timeOrigin);
    const mark = clock.mark('multivac-test');
    expect(mark.name).toBe('multivac-test');
    expect(clock.getEntriesByName('multivac-test')).toHaveLength(1);
    clock.clearMarks('multivac-test');
  });
});
