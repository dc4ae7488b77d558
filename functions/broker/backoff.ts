import type { Trigger } from './triggers';

/** No wait grows past a day, however many retries a table allows. */
const MAX_DELAY_MS = 86_400_000;

/**
 * How long to wait before retry number `retry` (1 for the first retry): `backoffDelay × retry`
 * (linear) or `backoffDelay × 2^(retry−1)` (exponential), so the first retry always waits
 * exactly `backoffDelay`.
 */
export function backoffMs(
  trigger: Pick<Trigger, 'backoffPolicy' | 'backoffDelayMs'>,
  retry: number,
): number {
  const n = Math.max(1, retry);
  const factor = trigger.backoffPolicy === 'linear' ? n : 2 ** (n - 1);
  return Math.min(trigger.backoffDelayMs * factor, MAX_DELAY_MS);
}

/** Attempts in all: the first one and `retry` retries. */
export const maxAttempts = (trigger: Pick<Trigger, 'retry'>) => trigger.retry + 1;

/** The longest wait the trigger ever makes (before its last retry). */
export const longestBackoffMs = (
  trigger: Pick<Trigger, 'backoffPolicy' | 'backoffDelayMs' | 'retry'>,
) => (trigger.retry === 0 ? 0 : backoffMs(trigger, trigger.retry));

/**
 * How long an entry may stay pending on a consumer before another one takes it over
 * (`XAUTOCLAIM`). It must exceed an attempt in flight (the timeout) plus the longest wait for a
 * retry, or a live consumer's delivery or scheduled retry would be taken from it.
 */
export const visibilityTimeoutMs = (
  trigger: Pick<Trigger, 'backoffPolicy' | 'backoffDelayMs' | 'retry' | 'timeoutMs'>,
  marginMs: number,
) => trigger.timeoutMs + longestBackoffMs(trigger) + marginMs;
