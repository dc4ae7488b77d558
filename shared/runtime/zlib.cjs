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

/** @type {typeof import('node:zlib')} */
module.exports = require('./lazy-builtin.cjs')('node:zlib', (/** @type {() => any} */ load) =>
  'zstd' in process.versions
    ? {
        createZstdDecompress: (/** @type {any[]} */ ...args) =>
          load().createZstdDecompress(...args),
      }
    : {},
);
