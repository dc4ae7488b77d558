'use strict';
/**
 * node:zlib for the packages that require it at load to decompress what MultiVAC never sends them
 * compressed: body-parser (the runtime refuses any `Content-Encoding` but identity before a body
 * parser runs, shared/runtime/server.ts) and the MongoDB driver (wire compression, which no
 * function configures). Loading it costs ~2 ms of every function's cold start, before it listens,
 * and again of a MongoDB function's first request. Loaded on first use, as the other shims;
 * body-parser's one question at load — whether zlib can decompress zstd — is answered from
 * `process.versions.zstd`, which Node has exactly when it is built with zstd.
 * tools/build resolves those packages' imports of zlib to this file.
 */

const load = () => process.getBuiltinModule('node:zlib');

/** @type {typeof import('node:zlib')} */
module.exports = new Proxy(
  {},
  {
    // `__esModule` is what a bundler's interop asks at import: not a reason to load the module.
    get: (_, name) => (name === '__esModule' ? undefined : Reflect.get(load(), name)),
    has: (_, name) =>
      typeof name === 'string' && name.startsWith('createZstd')
        ? 'zstd' in process.versions
        : Reflect.has(load(), name),
  },
);
