import { describe, expect, it } from 'vitest';
import { median, percentile, ratio } from './stats';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4, 5], 50, 3],
    [[5, 1, 4, 2, 3], 50, 3],
    [[1, 2, 3, 4], 50, 2],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 100, 100],
    [[7], 99, 7],
  ])('%j p%i = %i', (values, p, expected) => expect(percentile(values, p)).toBe(expected));

  it('is NaN for no values', () => expect(percentile([], 50)).toBeNaN());
  it('median and ratio', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(ratio(3, 2)).toBe('1.50×');
  });
});
