'use strict';
/**
 * node:assert for sonic-boom (pino's destination), loaded on its first call: sonic-boom requires
 * it at load for one check on a rare path, and loading node:assert costs 2-3 ms of every
 * function's cold start, before it listens. tools/build resolves sonic-boom's import to this file.
 */

/** @type {typeof import('node:assert') | undefined} */
let assert;

/**
 * @param {unknown} value
 * @param {string} [message]
 */
module.exports = function lazyAssert(value, message) {
  if (value) return;
  assert ??= require('node:assert');
  assert.fail(message);
};
