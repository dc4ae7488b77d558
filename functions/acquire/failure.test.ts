import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../shared/extract/index';
import { FetchError, UNRESOLVABLE_HOST_REASON } from '../../shared/fetch/index';
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

  it.each([
    ['permanent', 'blocked-address', 'host db.corp.example: address 10.20.0.5 is private'],
    ['permanent', 'dns', 'host gone.corp.example not found (ENOTFOUND)'],
    ['permanent', 'dns', 'host nothing.corp.example has no addresses'],
    ['transient', 'dns', 'resolving slow.corp.example failed (EAI_AGAIN)'],
  ] as const)(
    'tells users one sentence for a %s %s failure and keeps the details for the logs',
    (kind, code, detail) => {
      expect(toFailure(new FetchError(kind, code, detail))).toEqual({
        kind,
        code,
        reason: UNRESOLVABLE_HOST_REASON,
        detail,
      });
    },
  );

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
