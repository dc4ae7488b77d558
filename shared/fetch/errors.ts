/**
 * Whether trying again can help. `acquire` records a permanent failure on the source as `failed`
 * and acknowledges the event; it throws a transient one so that the broker redelivers it.
 */
export type FetchErrorKind = 'permanent' | 'transient';

/** A stable, machine-readable cause: for metrics, logs and tests. `reason` is for people. */
export type FetchErrorCode =
  | 'invalid-url'
  | 'bad-scheme'
  | 'blocked-address'
  | 'dns'
  | 'too-many-redirects'
  | 'bad-redirect'
  | 'http-status'
  | 'content-type'
  | 'content-encoding'
  | 'too-large'
  | 'timeout'
  | 'connection'
  | 'tls'
  | 'protocol'
  | 'aborted';

/** Extra facts about a failed fetch, all optional. */
export interface FetchErrorDetails {
  /** The URL of the hop that failed (after redirects, it is not the URL asked for). */
  url?: string;
  /** The HTTP status, when the failure is a status. */
  status?: number;
  /** From `Retry-After` on 408, 429 and 5xx answers, in seconds. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * The one error `safeFetch` throws. `reason` is short and human ("address 10.0.0.1 is private"),
 * fit to be stored on the source and shown to the user who submitted the URL.
 */
export class FetchError extends Error {
  override name = 'FetchError';
  readonly url?: string;
  readonly status?: number;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly kind: FetchErrorKind,
    readonly code: FetchErrorCode,
    readonly reason: string,
    details: FetchErrorDetails = {},
  ) {
    super(reason, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.url !== undefined) this.url = details.url;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }

  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}

/** A failure that will not go away by retrying. */
export const permanent = (code: FetchErrorCode, reason: string, details?: FetchErrorDetails) =>
  new FetchError('permanent', code, reason, details);

/** A failure worth retrying later. */
export const transient = (code: FetchErrorCode, reason: string, details?: FetchErrorDetails) =>
  new FetchError('transient', code, reason, details);

/** Why `normalizeUrl` refused an input; all of them mean "400, fix the URL". */
export type InvalidUrlCode =
  | 'empty'
  | 'too-long'
  | 'control-character'
  | 'whitespace'
  | 'backslash'
  | 'unparseable'
  | 'scheme'
  | 'credentials'
  | 'host'
  | 'port'
  | 'blocked-address';

/** Thrown by `normalizeUrl`; `reason` says what is wrong in words a user understands. */
export class InvalidUrlError extends Error {
  override name = 'InvalidUrlError';
  constructor(
    readonly code: InvalidUrlCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}
