'use strict';
/**
 * node:fs for the MongoDB driver's utils, whose only use of it is `fs.promises.access` (its
 * handshake's check for `/.dockerenv`, made on the first connection). Reading `fs.promises` loads
 * Node's promise-based file system (~2–5 ms of the first request that uses MongoDB), so this
 * answers `access` with the callback API instead; anything else of `fs.promises` is the real one.
 * tools/build resolves that module's import of fs to this file.
 */
const fs = require('node:fs');

/** @type {typeof import('node:fs/promises')} */
const promises = /** @type {any} */ (
  new Proxy(
    {
      /** @type {(path: import('node:fs').PathLike, mode?: number) => Promise<void>} */
      access: (path, mode) =>
        new Promise((resolve, reject) =>
          fs.access(path, mode, (err) => (err ? reject(err) : resolve())),
        ),
    },
    { get: (own, name) => (name in own ? Reflect.get(own, name) : Reflect.get(fs.promises, name)) },
  )
);

/** @type {typeof import('node:fs')} */
module.exports = new Proxy(fs, {
  get: (target, name) => (name === 'promises' ? promises : Reflect.get(target, name)),
});
