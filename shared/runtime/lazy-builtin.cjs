'use strict';
/**
 * A stand-in for one of Node's built-in modules that loads it on the first use of any of its
 * exports, for shims of packages that require a built-in at load but use it only later
 * (crypto.cjs, tls.cjs, fs-promises.cjs).
 *
 * @param {'node:crypto' | 'node:tls' | 'node:fs/promises'} id the built-in
 * @returns {any}
 */
module.exports = (id) =>
  new Proxy(
    {},
    {
      // `__esModule` is what a bundler's interop asks at import: not a reason to load the module.
      get: (_, name) =>
        name === '__esModule' ? undefined : Reflect.get(process.getBuiltinModule(id), name),
    },
  );
