'use strict';
/**
 * node:tls for the drivers that require it at load but use it only to open a TLS connection (the
 * MongoDB driver's connect and client-side encryption, ioredis's connectors): loaded by their
 * first use of it. Loading it costs ~5 ms of the first request that loads a driver.
 * tools/build resolves those modules' imports of tls to this file.
 */

/** @type {typeof import('node:tls')} */
module.exports = require('./lazy-builtin.cjs')('node:tls');
