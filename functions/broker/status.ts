import { isRetryableStatus } from '../../shared/events/index';

/** What a subscriber's HTTP status means for the entry (Knative data-plane contract). */
export type Verdict = 'delivered' | 'retry' | 'reject';

/**
 * Any 2xx is delivered. 404, 408, 409, 429 and 5xx are retried. Every other status — 400, 401,
 * 403, 413, other 4xx, and the unspecified 1xx and 3xx — is an error that retrying will not fix,
 * so the entry goes straight to the dead letters.
 */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  return isRetryableStatus(status) ? 'retry' : 'reject';
}
