import { describe, expect, it } from 'vitest';
import { verdictOf } from './status';

describe('verdictOf (Knative data-plane contract)', () => {
  it.each([
    [200, 'delivered'],
    [201, 'delivered'],
    [202, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [404, 'retry'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [400, 'reject'],
    [401, 'reject'],
    [403, 'reject'],
    [405, 'reject'],
    [410, 'reject'],
    [413, 'reject'],
    [415, 'reject'],
    [422, 'reject'],
    [100, 'reject'],
    [301, 'reject'],
    [302, 'reject'],
  ])('%i → %s', (status, verdict) => {
    expect(verdictOf(status)).toBe(verdict);
  });
});
