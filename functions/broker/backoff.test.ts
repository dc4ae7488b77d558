import { describe, expect, it } from 'vitest';
import { backoffMs, longestBackoffMs, maxAttempts, visibilityTimeoutMs } from './backoff';

describe('backoffMs', () => {
  it.each([
    ['linear', 100, [1, 2, 3, 4], [100, 200, 300, 400]],
    ['exponential', 100, [1, 2, 3, 4], [100, 200, 400, 800]],
    ['exponential', 2000, [1, 5], [2000, 32_000]],
  ] as const)('%s from %i ms', (backoffPolicy, backoffDelayMs, retries, expected) => {
    expect(retries.map((n) => backoffMs({ backoffPolicy, backoffDelayMs }, n))).toEqual(expected);
  });

  it('never waits more than a day', () => {
    expect(backoffMs({ backoffPolicy: 'exponential', backoffDelayMs: 1000 }, 1000)).toBe(
      86_400_000,
    );
  });

  it('treats retry 0 like the first retry', () => {
    expect(backoffMs({ backoffPolicy: 'linear', backoffDelayMs: 50 }, 0)).toBe(50);
  });
});

describe('attempts and visibility', () => {
  const trigger = {
    retry: 5,
    backoffPolicy: 'exponential' as const,
    backoffDelayMs: 2000,
    timeoutMs: 60_000,
  };

  it('counts the first attempt and every retry', () => {
    expect(maxAttempts({ retry: 0 })).toBe(1);
    expect(maxAttempts(trigger)).toBe(6);
  });

  it('waits longest before the last retry', () => {
    expect(longestBackoffMs(trigger)).toBe(32_000);
    expect(longestBackoffMs({ ...trigger, retry: 0 })).toBe(0);
  });

  it('outlasts an attempt in flight plus the longest wait', () => {
    expect(visibilityTimeoutMs(trigger, 5000)).toBe(60_000 + 32_000 + 5000);
  });
});
