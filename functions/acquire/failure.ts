import { ExtractError } from '../../shared/extract/index';
import { FetchError } from '../../shared/fetch/index';
import type { SourceDoc } from '../../shared/store/index';

/** Longest reason stored on a source and sent in `source.failed` (the event schema's limit). */
export const MAX_REASON_LENGTH = 500;

/** Why a page could not be acquired, in the terms `acquire` acts on. */
export interface Failure {
  /** `permanent`: record and acknowledge; `transient`: let the broker retry (up to a limit). */
  kind: 'permanent' | 'transient';
  /** A stable cause for metrics and logs (a FetchError or ExtractError code). */
  code: string;
  /** For people: stored on the source and sent in `source.failed`. */
  reason: string;
  /**
   * For the logs only, when it says more than `reason`: the resolved addresses and DNS answers
   * that users must not learn (docs/safe-fetching.md, "What users are told").
   */
  detail?: string;
  /** What the site asked for with `Retry-After` (logged; the broker's backoff decides). */
  retryAfterSeconds?: number;
}

/**
 * A fetch or extraction failure as a {@link Failure}; `undefined` for anything else (a database or
 * programming error), which the caller rethrows so the broker retries the event.
 */
export function toFailure(err: unknown): Failure | undefined {
  if (err instanceof FetchError) {
    const reason = err.publicReason;
    return {
      kind: err.kind,
      code: err.code,
      reason: clipReason(reason),
      ...(reason === err.reason ? {} : { detail: err.reason }),
      ...(err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds }),
    };
  }
  if (err instanceof ExtractError) {
    return { kind: 'permanent', code: err.code, reason: clipReason(err.reason) };
  }
  return undefined;
}

/** A page that yields no text is a permanent failure, whatever the extractor returned. */
export const noReadableText = (): Failure => ({
  kind: 'permanent',
  code: 'empty',
  reason: 'no readable text',
});

/** The reason recorded when transient failures have used up every attempt. */
export const gaveUpReason = (attempts: number, reason: string) =>
  clipReason(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`);

/** At most {@link MAX_REASON_LENGTH} characters, never empty. */
export function clipReason(reason: string): string {
  const text = reason.trim() || 'unknown failure';
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;
}

/**
 * The attempt this delivery makes at the source's current request. A `requested` source starts
 * a new count (a re-submitted source is set back to `requested` by `data`); one still `fetching`
 * was left there by a transient failure or an interrupted delivery of the same request, so the
 * count goes on.
 */
export function nextAttempt(source: Pick<SourceDoc, 'state' | 'attempts'>): number {
  return source.state === 'fetching' ? (source.attempts ?? 0) + 1 : 1;
}

/** Whether a transient failure on this attempt is final (recorded as failed, not retried). */
export const isLastAttempt = (attempt: number, maxAttempts: number) => attempt >= maxAttempts;
