import { STATUS_CODES } from 'node:http';
import { FetchError, permanent, transient } from './errors';

/** What `toFetchError` needs to know about the fetch that failed. */
export interface FailureContext {
  url: string;
  /** Aborts when the whole-fetch time budget is spent. */
  deadline: AbortSignal;
  timeoutMs: number;
  /** The caller's own signal, if any. */
  callerSignal?: AbortSignal;
}

// The certificate is wrong for this name or untrusted: the same server will say the same thing
// on a retry, so it is recorded rather than retried.
const certificateCode = /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH/;

// The server's compressed bytes do not decode (zlib's data and dictionary errors, brotli's format
// errors): fetching again gets the same bytes, so it is a protocol failure, not bad luck. A body
// cut short (Z_BUF_ERROR) stays a connection failure: a dropped connection looks like that too.
const corruptEncodingCode = /^(Z_DATA_ERROR|Z_NEED_DICT|ERR__ERROR_FORMAT_\w+)$/;

/**
 * Turns anything thrown while fetching into a {@link FetchError}. Timeouts, cancellations and
 * connection trouble are transient; an unintelligible HTTP response, a compressed body that does
 * not decode and a certificate that does not verify are permanent. Unknown errors count as transient, so that the broker retries them a
 * bounded number of times and dead-letters them rather than losing the source to a fluke.
 */
export function toFetchError(err: unknown, context: FailureContext): FetchError {
  const { url } = context;
  if (err instanceof FetchError) {
    return err.url !== undefined
      ? err
      : new FetchError(err.kind, err.code, err.reason, {
          url,
          status: err.status,
          retryAfterSeconds: err.retryAfterSeconds,
          cause: err.cause,
        });
  }
  const cause = err;
  if (context.deadline.aborted) {
    return transient('timeout', `fetch took longer than ${context.timeoutMs} ms`, { url, cause });
  }
  if (context.callerSignal?.aborted)
    return transient('aborted', 'fetch was cancelled', { url, cause });

  const code = errorCode(err);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return transient('timeout', 'connecting timed out', { url, cause });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return transient('timeout', 'no response headers in time', { url, cause });
    case 'UND_ERR_BODY_TIMEOUT':
      return transient('timeout', 'the response body stalled', { url, cause });
    case 'UND_ERR_HEADERS_OVERFLOW':
      return permanent('protocol', 'response headers are too large', { url, cause });
  }
  if (code && certificateCode.test(code)) {
    return permanent('tls', `TLS certificate rejected (${code})`, { url, cause });
  }
  if (code && corruptEncodingCode.test(code)) {
    return permanent('protocol', `the compressed body is corrupt (${code})`, { url, cause });
  }
  if (code?.startsWith('HPE_')) {
    return permanent('protocol', `invalid HTTP response (${code})`, { url, cause });
  }
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  return transient('connection', `connection failed (${detail})`, { url, cause });
}

/** The error for a final answer that is neither 2xx nor a followed redirect. */
export function statusError(
  status: number,
  retryAfter: string | undefined,
  url: string,
): FetchError {
  const reason = `server answered ${status}${STATUS_CODES[status] ? ` (${STATUS_CODES[status]})` : ''}`;
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) {
    const retryAfterSeconds = parseRetryAfter(retryAfter);
    return transient('http-status', reason, {
      url,
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  return permanent('http-status', reason, { url, status });
}

/** `Retry-After` as whole seconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
  }
  return undefined;
}
