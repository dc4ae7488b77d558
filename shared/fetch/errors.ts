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
 * What the user who submitted a URL learns when its host resolves to nothing public: one sentence
 * for a private or otherwise blocked address, a name that does not exist and a name without
 * addresses alike, so that failure reasons never become a DNS oracle for the inside of the
 * network (which names exist, what they resolve to).
 */
export const UNRESOLVABLE_HOST_REASON = 'refused: the host does not resolve to a public address';

// The codes whose `reason` names a resolved address or tells apart names that exist from names
// that do not: for the logs only.
const resolutionCodes: ReadonlySet<FetchErrorCode> = new Set(['blocked-address', 'dns']);

/**
 * The one error `safeFetch` throws. `reason` is short and human ("host x.example: address
 * 10.0.0.1 is private"), for logs and operators; {@link FetchError.publicReason} is what may be
 * stored on the source and shown to the user who submitted the URL.
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

  /**
   * The reason fit for the user who submitted the URL: {@link UNRESOLVABLE_HOST_REASON} for every
   * address-check and name-resolution failure, whose details stay in `reason` (logs only);
   * `reason` itself for the rest, which says nothing about the inside of the network.
   */
  get publicReason(): string {
    return resolutionCodes.has(this.code) ? UNRESOLVABLE_HOST_REASON : this.reason;
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
  | 'blocked-address'
  | 'blocked-name';

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
