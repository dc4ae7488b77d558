'use strict';
/**
 * node:assert for the packages that require it at load for checks on rare paths: sonic-boom
 * (pino's destination) and redis-errors (ioredis's, in its reply parser's error). Loading
 * node:assert costs 2-3 ms of every function's cold start, before it listens, and of the first
 * request that uses Redis. An assertion that holds loads nothing; one that fails, and any other
 * use, is node:assert's own. tools/build resolves those packages' imports to this file.
 */

/** @type {typeof import('node:assert')} */
module.exports = require('./lazy-builtin.cjs')(
  'node:assert',
  (/** @type {() => any} */ load) =>
    /**
     * @param {unknown} value
     * @param {string | Error} [message]
     */
    function lazyAssert(value, message) {
      if (!value) load()(value, message);
    },
);
