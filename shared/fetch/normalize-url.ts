import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { InvalidUrlError } from './errors';

/** Longest URL accepted, before and after normalization. */
export const MAX_URL_LENGTH = 2048;

/** Options of {@link normalizeUrl}. */
export interface NormalizeUrlOptions {
  /** Resolve a relative `input` against this URL (redirect `Location`s). Absolute input otherwise. */
  base?: string | URL;
  /**
   * When given, an IP-literal host must pass it, so that `http://127.0.0.1/` is refused early (a
   * 400 rather than a failed source), and so must a name that can never be public (`localhost`,
   * `metadata.google.internal`, `redis`; `AddressPolicy.nameRefusal`). Names are not resolved
   * here: `safeFetch` checks every resolved address at connect time, which is the check that counts.
   */
  addressPolicy?: AddressPolicy;
}

const hostLength = 253;
// C0 controls, DEL and C1 controls: WHATWG URL silently drops tab and newline ("java\nscript:"),
// so a URL that needs them to parse is refused rather than repaired.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
// Invisible formatting characters (zero-width, bidi overrides, BOM) disguise what a URL says.
const formatCharacter = /\p{Cf}/u;
const whitespace = /\s/u;
const schemePrefix = /^([a-z][a-z0-9+.-]*):/i;

const invalid = (code: InvalidUrlError['code'], reason: string) =>
  new InvalidUrlError(code, reason);

/**
 * Validates and normalizes a user-supplied URL (`PUT /multivac/data`, redirect targets). Returns
 * the normalized absolute URL; throws {@link InvalidUrlError} with a reason fit for a 400.
 *
 * Refused: anything but `http:`/`https:`; credentials (`user@host`); backslashes (parsers disagree
 * on them); control, whitespace and invisible formatting characters inside the URL; empty host
 * labels; port 0; more than {@link MAX_URL_LENGTH} characters; with an `addressPolicy`, the IP
 * literals and names it refuses.
 *
 * Normalized (WHATWG `URL` does most of it): surrounding whitespace trimmed; scheme and host lower
 * case; IDN to punycode; IPv4 spellings (`0x7f.1`, `2130706433`) to dotted decimal; IPv6 compressed;
 * a trailing dot on the host removed; default port removed; empty path to `/`; dot segments
 * resolved; the fragment and an empty `?` removed.
 *
 * Kept as given: the path's case and percent-encoding, the query and the order of its
 * parameters, `www.`, a trailing slash, `http` vs `https` — each can name a different resource.
 */
export function normalizeUrl(input: string, options: NormalizeUrlOptions = {}): string {
  if (typeof input !== 'string') throw invalid('unparseable', 'URL must be a string');
  const text = input.trim();
  if (!text) throw invalid('empty', 'URL is empty');
  if (text.length > MAX_URL_LENGTH) {
    throw invalid('too-long', `URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  if (controlCharacter.test(text))
    throw invalid('control-character', 'URL contains a control character');
  if (formatCharacter.test(text))
    throw invalid('control-character', 'URL contains an invisible character');
  if (whitespace.test(text)) throw invalid('whitespace', 'URL contains whitespace');
  if (text.includes('\\')) throw invalid('backslash', 'URL contains a backslash');

  const scheme = schemePrefix.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined && options.base === undefined) {
    throw invalid('unparseable', 'URL must be absolute and start with http:// or https://');
  }
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw invalid('scheme', `scheme "${scheme}:" is not allowed; only http and https`);
  }
  if (scheme !== undefined && !text.slice(scheme.length + 1).startsWith('//')) {
    throw invalid('unparseable', `URL must start with ${scheme}://`);
  }

  let url: URL;
  try {
    url = new URL(text, options.base);
  } catch {
    throw invalid('unparseable', 'URL cannot be parsed');
  }
  // A relative reference inherits the base's scheme; the base is checked by whoever gave it.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('scheme', `scheme "${url.protocol}" is not allowed; only http and https`);
  }
  if (url.username || url.password) {
    throw invalid('credentials', 'URL must not contain credentials (user@host)');
  }

  normalizeHost(url, options.addressPolicy);
  if (url.port === '0') throw invalid('port', 'port 0 is not a port');
  url.hash = '';
  if (url.search === '') url.search = ''; // drops a lone "?"

  const href = url.href;
  if (href.length > MAX_URL_LENGTH) {
    throw invalid('too-long', `URL is longer than ${MAX_URL_LENGTH} characters once normalized`);
  }
  return href;
}

function normalizeHost(url: URL, policy: AddressPolicy | undefined): void {
  let host = url.hostname;
  if (host.endsWith('.')) {
    host = host.slice(0, -1);
    url.hostname = host;
  }
  if (!host) throw invalid('host', 'URL has no host');
  if (host.length > hostLength) throw invalid('host', 'host name is too long');
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(literal) === 0 && host.split('.').some((label) => label === '' || label.length > 63)) {
    throw invalid('host', 'host name has an empty or overlong label');
  }
  if (policy && isIP(literal) !== 0) {
    const refusal = policy.refusal(literal);
    if (refusal) throw invalid('blocked-address', `${refusal}; only public addresses are fetched`);
  } else if (policy) {
    const refusal = policy.nameRefusal(host);
    if (refusal) throw invalid('blocked-name', `${refusal}; only public hosts are fetched`);
  }
}
