'use strict';
/**
 * node:dns for the drivers that require it at load for what MultiVAC does not use: the MongoDB
 * driver's `mongodb+srv://` records and Kerberos, ioredis's cluster mode (whose default options
 * take `lookup` and `resolveSrv` at load). Loading it costs ~1.5 ms of the first request that
 * loads a driver. Loaded on first use; `lookup` and `resolveSrv` are taken without loading it.
 * tools/build resolves those modules' imports of dns to this file.
 */

const load = () => /** @type {typeof import('node:dns')} */ (process.getBuiltinModule('node:dns'));

/** @type {typeof import('node:dns')} */
module.exports = /** @type {any} */ (
  new Proxy(
    {
      /** @type {typeof import('node:dns').lookup} */
      lookup: /** @type {any} */ (
        (/** @type {any[]} */ ...args) => Reflect.apply(load().lookup, undefined, args)
      ),
      /** @type {typeof import('node:dns').resolveSrv} */
      resolveSrv: /** @type {any} */ (
        (/** @type {any[]} */ ...args) => Reflect.apply(load().resolveSrv, undefined, args)
      ),
    },
    {
      get: (own, name) =>
        name === '__esModule'
          ? undefined
          : name in own
            ? Reflect.get(own, name)
            : Reflect.get(load(), name),
    },
  )
);
