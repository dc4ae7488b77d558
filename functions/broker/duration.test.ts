import { describe, expect, it } from 'vitest';
import { durationMs } from './duration';

describe('durationMs', () => {
  it.each([
    ['PT0.1S', 100],
    ['PT2S', 2000],
    ['PT1M30S', 90_000],
    ['PT1.5M', 90_000],
    ['PT2H', 7_200_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['PT0S', 0],
  ])('%s = %i ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each([
    ['2s', 'not an ISO-8601 duration'],
    ['PT', 'not an ISO-8601 duration'],
    ['', 'not an ISO-8601 duration'],
    ['-PT1S', 'negative'],
    ['P1Y', 'years or months'],
    ['P2M', 'years or months'],
  ])('refuses %j', (text, fragment) => {
    expect(() => durationMs(text)).toThrow(fragment);
  });
});
