'use strict';
/**
 * node:fs/promises for the MongoDB driver's modules that require it at load but use it only for
 * what MultiVAC never configures (a Kubernetes OIDC token file, client-side encryption's key
 * files): loaded by their first use of it. Loading it at the driver's load cost ~4–5 ms of the
 * first request that uses MongoDB. tools/build resolves those modules' imports of fs/promises to
 * this file.
 */

/** @type {typeof import('node:fs/promises')} */
module.exports = require('./lazy-builtin.cjs')('node:fs/promises');
