'use strict';
/**
 * A stand-in for one of Node's built-in modules that loads it on the first use of any of its
 * exports, for shims of packages that require a built-in at load but use it only later
 * (crypto.cjs, tls.cjs, fs-promises.cjs, zlib.cjs, dns.cjs, worker-threads.cjs, assert.cjs).
 * `own` gives what the stand-in answers itself, without loading the module — what an importer
 * takes or asks at load — from the loader, for the functions that call through it; a function
 * for a stand-in that is called.
 *
 * @param {string} id the built-in, `node:…`
 * @param {(load: () => any) => object} [own]
 * @returns {any}
 */
module.exports = (id, own = () => ({})) => {
  const load = () => /** @type {object} */ (process.getBuiltinModule(id));
  const answered = own(load);
  const mine = (/** @type {string | symbol} */ name) => Object.hasOwn(answered, name);
  return new Proxy(answered, {
    // `__esModule` is what a bundler's interop asks at import: not a reason to load the module.
    get: (_, name) =>
      name === '__esModule'
        ? undefined
        : mine(name)
          ? Reflect.get(answered, name)
          : Reflect.get(load(), name),
    has: (_, name) => mine(name) || Reflect.has(load(), name),
  });
};
