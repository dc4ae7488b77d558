/**
 * Fetching user-supplied URLs safely (docs/safe-fetching.md): URL validation and
 * normalization for `data`, the SSRF-proof `safeFetch` for `acquire`.
 */
export { normalizeUrl, MAX_URL_LENGTH, type NormalizeUrlOptions } from './normalize-url';
export {
  safeFetch,
  USER_AGENT,
  ACCEPTED_MEDIA_TYPES,
  MAX_REDIRECTS,
  type SafeFetchOptions,
  type FetchedPage,
} from './safe-fetch';
export { createAddressPolicy, parseCidrs, type AddressPolicy } from './address-policy';
export { systemResolver, type Resolver, type ResolvedAddress } from './resolve';
export { parseContentType, type ContentType } from './content-type';
export {
  FetchError,
  InvalidUrlError,
  UNRESOLVABLE_HOST_REASON,
  type FetchErrorKind,
  type FetchErrorCode,
  type FetchErrorDetails,
  type InvalidUrlCode,
} from './errors';
