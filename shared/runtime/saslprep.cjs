'use strict';
/**
 * `@mongodb-js/saslprep` in the bundles, loaded on its first call. The MongoDB driver requires it
 * with its SCRAM code, at load, but calls it only to authenticate with SCRAM-SHA-256; loading it
 * gunzips and builds its Unicode tables: ~11 ms and 2 MiB of heap (10 MiB of RSS for a moment) in
 * every function that uses MongoDB, whether it authenticates or not. tools/build resolves the
 * driver's import of the package to this file, and this file's own import to the package.
 * CommonJS, as the driver is: the call must stay synchronous.
 */

/** @type {typeof import('@mongodb-js/saslprep') | undefined} */
let loaded;

/**
 * @param {string} input
 * @param {{ allowUnassigned?: boolean }} [opts]
 * @returns {string}
 */
function saslprep(input, opts) {
  loaded ??= require('@mongodb-js/saslprep');
  return loaded.saslprep(input, opts);
}

module.exports = { saslprep };
