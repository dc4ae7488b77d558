import { describe, expect, it } from 'vitest';
import { clock, perSecond } from './format';

describe('clock', () => {
  it('shows minutes and seconds, hours when there are some', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(7.9)).toBe('0:07');
    expect(clock(65)).toBe('1:05');
    expect(clock(3723)).toBe('1:02:03');
    expect(clock(-3)).toBe('0:00');
  });
});

describe('perSecond', () => {
  it('keeps one decimal for slow rates only', () => {
    expect(perSecond(null)).toBe('–/s');
    expect(perSecond(0)).toBe('0.0/s');
    expect(perSecond(5.24)).toBe('5.2/s');
    expect(perSecond(12.6)).toBe('13/s');
  });
});
