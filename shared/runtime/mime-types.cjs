'use strict';
/**
 * mime-types (Express, body-parser's type-is, accepts, send) in the bundles, loaded on first use:
 * at load it walks all of mime-db's ~2,500 types to build its maps, ~5 ms of every function's cold
 * start, before it listens, while a GET answered by MultiVAC's own router never looks a type up.
 * tools/build resolves every import of mime-types but this file's own to it.
 */

/** @type {typeof import('mime-types') | undefined} */
let mime;
const load = () => (mime ??= require('mime-types'));

/**
 * What the Functions Framework's own answers ask of it, answered as mime-types does without
 * building its maps: a CloudEvent function's acknowledgement (`res.sendStatus(204)` types it as
 * `txt`) and `res.json`; Express's `res.set` then asks again with the full type, which already
 * names its charset (see `contentType`). Loading them there cost an event function's first
 * answer ~5-10 ms.
 */
const KNOWN_CONTENT_TYPES = new Map([
  ['txt', 'text/plain; charset=utf-8'],
  ['application/json', 'application/json; charset=utf-8'],
]);

module.exports = {
  /** @param {string} type */
  charset: (type) => load().charset(type),
  /** @param {string} str */
  contentType: (str) =>
    KNOWN_CONTENT_TYPES.get(str) ??
    // A full type that names its charset is its own answer in mime-types (no lookup of either).
    (typeof str === 'string' && str.includes('/') && str.includes('charset')
      ? str
      : load().contentType(str)),
  /** For the test that checks them against mime-types itself. */
  KNOWN_CONTENT_TYPES,
  /** @param {string} type */
  extension: (type) => load().extension(type),
  /** @param {string} path */
  lookup: (path) => load().lookup(path),
  get charsets() {
    return load().charsets;
  },
  get extensions() {
    return load().extensions;
  },
  get types() {
    return load().types;
  },
};
