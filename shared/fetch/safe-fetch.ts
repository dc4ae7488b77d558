import type { Readable } from 'node:stream';
import type * as Undici from 'undici';
import { createAddressPolicy, type AddressPolicy } from './address-policy';
import { statusError, toFetchError } from './classify';
import { parseContentType } from './content-type';
import { FetchError, permanent } from './errors';
import { normalizeUrl } from './normalize-url';
import { createPinnedAgent } from './pinned-agent';
import { readBody } from './read-body';
import { resolveChecked, systemResolver, type Resolver } from './resolve';

/** Sent with every request. */
export const USER_AGENT = 'MultiVAC/0.1';
/** The only media types `safeFetch` returns. */
export const ACCEPTED_MEDIA_TYPES: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'text/plain',
];
/** The most redirects any fetch follows, whatever the options say. */
export const MAX_REDIRECTS = 5;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Options of {@link safeFetch}. `acquire` maps its config onto them:
 * `MULTIVAC_FETCH_ALLOWED_CIDRS` → `allowedCidrs`, `MULTIVAC_FETCH_TIMEOUT_MS` → `timeoutMs`,
 * `MULTIVAC_FETCH_MAX_BYTES` → `maxBytes`, `MULTIVAC_FETCH_MAX_REDIRECTS` → `maxRedirects`.
 */
export interface SafeFetchOptions {
  /** Non-public ranges that may be dialled anyway (tests, the local corpus server). Default none. */
  allowedCidrs?: readonly string[];
  /** Name resolution; default the system resolver. Tests inject one and never touch DNS. */
  resolve?: Resolver;
  /** Budget for the whole fetch: resolution, every hop, headers and body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Per connection attempt. Default the smaller of 5 000 ms and `timeoutMs`. */
  connectTimeoutMs?: number;
  /**
   * From sending a request to its response headers. Default none: the whole fetch's deadline
   * bounds it (undici times these with a coarse clock that can fire up to ~0.5 s early, so a
   * default equal to `timeoutMs` cut some fetches short of their budget, and raced the deadline).
   */
  headersTimeoutMs?: number;
  /** Longest pause between two body chunks. Default none, for the same reason. */
  bodyIdleTimeoutMs?: number;
  /** Largest body, counted while streaming (and after decompression). Default 2 MiB. */
  maxBytes?: number;
  /** Redirects followed, each one re-checked; at most {@link MAX_REDIRECTS}. Default 5. */
  maxRedirects?: number;
  /** Default {@link USER_AGENT}. */
  userAgent?: string;
  /** Cancels the fetch (reported as a transient `aborted` error). */
  signal?: AbortSignal;
  /** Trusted CA certificates (PEM), replacing Node's bundled roots: tests and private CAs only. */
  ca?: string | readonly string[];
}

/** A page fetched by {@link safeFetch}. */
export interface FetchedPage {
  /** The normalized URL of the final hop, after redirects. */
  url: string;
  /** The final 2xx status. */
  status: number;
  /** The raw `Content-Type` header, to hand to `extract` as it is. */
  contentType: string;
  /** One of {@link ACCEPTED_MEDIA_TYPES}. */
  mediaType: string;
  /** The header's `charset` parameter, lower case, if it has one. */
  charset?: string;
  /** Other response headers worth keeping. */
  headers: { contentLanguage?: string; lastModified?: string; etag?: string };
  /** The body, decompressed if the server compressed it; at most `maxBytes`. */
  body: Uint8Array;
  /** The URLs that redirected, in order; empty when the first answer was the page. */
  redirects: readonly string[];
}

interface Settings {
  resolve: Resolver;
  timeoutMs: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  ca?: string | readonly string[];
}

type Hop = { location: string } | Omit<FetchedPage, 'redirects'>;
type Headers = Record<string, string | string[] | undefined>;

/**
 * Fetches a user-supplied URL without letting it reach anything private
 * (docs/safe-fetching.md). Per hop: the URL is normalized (http/https only, no credentials); the
 * host is resolved once and every address must be public unicast or inside `allowedCidrs`; the
 * connection is pinned to exactly those addresses, with TLS verified against the host name.
 * Redirects are followed by hand and each target goes through the same checks. Time and bytes
 * are bounded, and only HTML, XHTML and plain text are accepted.
 *
 * Throws {@link FetchError}: `kind` says whether a retry can help, `reason` says why in a few
 * words. (Malformed `allowedCidrs` throw a `TypeError`: a configuration error, which
 * `createAddressPolicy` can surface at start-up.) undici is imported on first use, so importing
 * this module costs nothing at cold start.
 */
export async function safeFetch(
  input: string,
  options: SafeFetchOptions = {},
): Promise<FetchedPage> {
  const settings = withDefaults(options);
  const policy = createAddressPolicy(options.allowedCidrs ?? []);
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const context = { deadline, timeoutMs: settings.timeoutMs, callerSignal: options.signal };

  let url = toUrl(input, undefined, input);
  const redirects: string[] = [];
  const undici = await import('undici');
  for (;;) {
    let hop: Hop;
    try {
      hop = await fetchHop(undici, url, policy, settings, signal);
    } catch (err) {
      throw toFetchError(err, { ...context, url: url.href });
    }
    if (!('location' in hop)) return { ...hop, redirects };
    if (redirects.length >= settings.maxRedirects) {
      throw permanent('too-many-redirects', `more than ${settings.maxRedirects} redirects`, {
        url: url.href,
      });
    }
    redirects.push(url.href);
    url = toUrl(hop.location, url, url.href);
  }
}

async function fetchHop(
  undici: typeof Undici,
  url: URL,
  policy: AddressPolicy,
  settings: Settings,
  signal: AbortSignal,
): Promise<Hop> {
  const addresses = await resolveChecked(url.hostname, policy, settings.resolve, signal);
  const agent = createPinnedAgent(undici, url.hostname, addresses, settings);
  try {
    const response = await undici.request(url, {
      method: 'GET',
      headers: {
        'user-agent': settings.userAgent,
        accept: 'text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8',
        'accept-encoding': 'identity',
      },
      signal,
      dispatcher: agent,
    });
    const { statusCode: status, headers, body } = response;
    try {
      return await readHop(url, status, headers, body, settings.maxBytes);
    } catch (err) {
      discard(body);
      throw err;
    }
  } finally {
    // Single-use: nothing pooled outlives the hop, so no socket can be reused for another host.
    agent.destroy().catch(() => {});
  }
}

/** The page, or where a redirect points; throws for every other answer. */
async function readHop(
  url: URL,
  status: number,
  headers: Headers,
  body: Readable,
  maxBytes: number,
): Promise<Hop> {
  if (redirectStatuses.has(status)) {
    discard(body);
    const location = header(headers, 'location');
    if (!location) throw permanent('bad-redirect', `redirect (${status}) without a Location`);
    return { location };
  }
  if (status < 200 || status > 299)
    throw statusError(status, header(headers, 'retry-after'), url.href);

  const contentType = header(headers, 'content-type') ?? '';
  const parsed = parseContentType(contentType);
  if (!parsed || !ACCEPTED_MEDIA_TYPES.includes(parsed.mediaType)) {
    const got = parsed ? `content type ${parsed.mediaType}` : 'a missing or invalid content type';
    throw permanent('content-type', `${got} is not accepted (${ACCEPTED_MEDIA_TYPES.join(', ')})`);
  }
  const contentEncoding = header(headers, 'content-encoding');
  const declaredLength = Number(header(headers, 'content-length'));
  if (!contentEncoding && declaredLength > maxBytes) {
    throw permanent('too-large', `body is larger than ${maxBytes} bytes`);
  }
  const bytes = await readBody(body, contentEncoding, maxBytes);
  return {
    url: url.href,
    status,
    contentType,
    mediaType: parsed.mediaType,
    ...(parsed.charset === undefined ? {} : { charset: parsed.charset }),
    headers: keptHeaders(headers),
    body: bytes,
  };
}

/** Drops a body that will not be read; the connection goes with it. */
function discard(body: Readable): void {
  body.on('error', () => {}); // destroying an unread undici body emits an AbortError
  body.destroy();
}

/** Normalizes the first URL or a redirect target into a `URL`, or a permanent `FetchError`. */
function toUrl(input: string, base: URL | undefined, from: string): URL {
  try {
    return new URL(normalizeUrl(input, base ? { base } : {}));
  } catch (err) {
    const reason = (err as { reason?: string }).reason ?? 'URL cannot be parsed';
    const code = (err as { code?: string }).code === 'scheme' ? 'bad-scheme' : 'invalid-url';
    const message = base ? `redirect to an unusable URL: ${reason}` : reason;
    throw err instanceof FetchError ? err : permanent(code, message, { url: from, cause: err });
  }
}

function withDefaults(options: SafeFetchOptions): Settings {
  const timeoutMs = positive(options.timeoutMs, 10_000);
  return {
    resolve: options.resolve ?? systemResolver,
    timeoutMs,
    connectTimeoutMs: positive(options.connectTimeoutMs, Math.min(5_000, timeoutMs)),
    // 0: undici's own timer off.
    headersTimeoutMs: positive(options.headersTimeoutMs, 0),
    bodyIdleTimeoutMs: positive(options.bodyIdleTimeoutMs, 0),
    maxBytes: positive(options.maxBytes, 2 * 1024 * 1024),
    maxRedirects: Math.min(MAX_REDIRECTS, Math.max(0, Math.floor(options.maxRedirects ?? 5))),
    userAgent: options.userAgent ?? USER_AGENT,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
}

const positive = (value: number | undefined, fallback: number) =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function keptHeaders(headers: Headers): FetchedPage['headers'] {
  const kept: FetchedPage['headers'] = {};
  const contentLanguage = header(headers, 'content-language');
  const lastModified = header(headers, 'last-modified');
  const etag = header(headers, 'etag');
  if (contentLanguage) kept.contentLanguage = contentLanguage;
  if (lastModified) kept.lastModified = lastModified;
  if (etag) kept.etag = etag;
  return kept;
}
