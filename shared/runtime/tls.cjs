'use strict';
/**
 * node:tls for the drivers that require it at load but use it only to open a TLS connection (the
 * MongoDB driver's connect and client-side encryption, ioredis's connectors): loaded by their
 * first use of it. Loading it costs ~5 ms of the first request that loads a driver.
 * tools/build resolves those modules' imports of tls to this file.
 */

/** @type {typeof import('node:tls')} */
module.exports = new Proxy(/** @type {typeof import('node:tls')} */ ({}), {
  // `__esModule` is what a bundler's interop asks at import: not a reason to load the module.
  get: (_, name) =>
    name === '__esModule' ? undefined : Reflect.get(process.getBuiltinModule('node:tls'), name),
});
