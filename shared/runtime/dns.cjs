'use strict';
/**
 * node:dns for the drivers that require it at load for what MultiVAC does not use: the MongoDB
 * driver's `mongodb+srv://` records and Kerberos, ioredis's cluster mode (whose default options
 * take `lookup` and `resolveSrv` at load). Loading it costs ~1.5 ms of the first request that
 * loads a driver. Loaded on first use; `lookup` and `resolveSrv` are taken without loading it.
 * tools/build resolves those modules' imports of dns to this file.
 */

/** @type {typeof import('node:dns')} */
module.exports = require('./lazy-builtin.cjs')('node:dns', (/** @type {() => any} */ load) => ({
  lookup: (/** @type {any[]} */ ...args) => load().lookup(...args),
  resolveSrv: (/** @type {any[]} */ ...args) => load().resolveSrv(...args),
}));
