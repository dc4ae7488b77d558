'use strict';
/**
 * node:fs/promises for modules that require it at load but use it only for what MultiVAC never
 * does: the MongoDB driver's Kubernetes OIDC token file and client-side encryption's key files,
 * undici's snapshot recorder for tests. Loaded by the first call of any of its functions (an
 * importer may take them apart at load, as undici's does); `constants` loads it when read. Loading
 * it costs ~3–5 ms of the first request that uses MongoDB, and of the broker's start.
 * tools/build resolves those modules' imports of fs/promises to this file.
 */

const real = () => process.getBuiltinModule('node:fs/promises');

/** @type {typeof import('node:fs/promises')} */
module.exports = /** @type {any} */ (
  new Proxy(
    {},
    {
      get: (_, name) =>
        name === '__esModule'
          ? undefined
          : name === 'constants'
            ? real().constants
            : // Every other export of fs/promises is a function.
              (/** @type {unknown[]} */ ...args) => Reflect.get(real(), name)(...args),
    },
  )
);
