import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../shared/extract/index';
import { FetchError } from '../../shared/fetch/index';
import {
  MAX_REASON_LENGTH,
  clipReason,
  gaveUpReason,
  isLastAttempt,
  nextAttempt,
  toFailure,
} from './failure';

describe('toFailure', () => {
  it('keeps the kind, code and reason of a FetchError', () => {
    const err = new FetchError('transient', 'http-status', 'server answered 503', {
      status: 503,
      retryAfterSeconds: 1,
    });
    expect(toFailure(err)).toEqual({
      kind: 'transient',
      code: 'http-status',
      reason: 'server answered 503',
      retryAfterSeconds: 1,
    });
    expect(toFailure(new FetchError('permanent', 'http-status', 'server answered 404'))).toEqual({
      kind: 'permanent',
      code: 'http-status',
      reason: 'server answered 404',
    });
  });

  it('says why a blocked address was refused', () => {
    const failure = toFailure(
      new FetchError('permanent', 'blocked-address', 'address 127.0.0.1 is loopback'),
    );
    expect(failure?.kind).toBe('permanent');
    expect(failure?.reason).toBe(
      'refused: address 127.0.0.1 is loopback (only public addresses are fetched)',
    );
  });

  it('makes every ExtractError permanent', () => {
    expect(toFailure(new ExtractError('empty', 'no readable text found'))).toEqual({
      kind: 'permanent',
      code: 'empty',
      reason: 'no readable text found',
    });
  });

  it('leaves anything else to the caller (rethrown, so the broker retries)', () => {
    expect(toFailure(new Error('connection pool closed'))).toBeUndefined();
    expect(toFailure('nope')).toBeUndefined();
  });
});

describe('reasons', () => {
  it('fit the source.failed schema (1-500 characters)', () => {
    expect(clipReason('  ')).toBe('unknown failure');
    const long = clipReason('x'.repeat(2000));
    expect(long).toHaveLength(MAX_REASON_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    expect(gaveUpReason(5, 'y'.repeat(600))).toHaveLength(MAX_REASON_LENGTH);
  });

  it('say how many attempts were made', () => {
    expect(gaveUpReason(5, 'server answered 503')).toBe(
      'gave up after 5 attempts: server answered 503',
    );
    expect(gaveUpReason(1, 'timeout')).toBe('gave up after 1 attempt: timeout');
  });
});

describe('attempts', () => {
  it('start at 1 for a new request and go on while the source is still fetching', () => {
    expect(nextAttempt({ state: 'requested' })).toBe(1);
    expect(nextAttempt({ state: 'requested', attempts: 4 })).toBe(1);
    expect(nextAttempt({ state: 'fetching', attempts: 2 })).toBe(3);
    expect(nextAttempt({ state: 'fetching' })).toBe(1);
  });

  it('the last one is the configured maximum', () => {
    expect(isLastAttempt(4, 5)).toBe(false);
    expect(isLastAttempt(5, 5)).toBe(true);
    expect(isLastAttempt(6, 5)).toBe(true);
    expect(isLastAttempt(1, 1)).toBe(true);
  });
});
