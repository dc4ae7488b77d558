/**
 * `whatwg-url` in the bundles, for the MongoDB driver's connection-string parser (its only user,
 * which subclasses `URL`): Node's own `URL` implements the same WHATWG URL Standard, so the
 * build puts this module in the package's place (tools/build) and each bundle sheds whatwg-url and
 * its ~230 KiB of Unicode tables (tr46).
 */
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
