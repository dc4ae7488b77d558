'use strict';
/**
 * node:crypto for the packages that require it at load but use it only on a request's path
 * (Express's etag and cookie-signature, the uuid of the CloudEvents SDK) or never (ioredis's
 * scripts, which MultiVAC runs by SHA itself): loaded by their first use of it. Loading it costs
 * ~3.5 ms of every function's cold start, before it listens, and ~6 ms of the broker's, before it
 * is ready.
 * tools/build resolves those packages' imports of crypto to this file.
 */

/** @type {typeof import('node:crypto')} */
module.exports = require('./lazy-builtin.cjs')('node:crypto');
