'use strict';
const { openSync, readSync, closeSync } = require('node:fs');

/**
 * Fills `array` with cryptographically secure random bytes from the kernel's generator
 * (`/dev/urandom`, which OpenSSL itself seeds from), and returns it: `crypto.getRandomValues`
 * for the MongoDB driver and bson (tools/build/random-without-webcrypto.ts), without node:crypto.
 * The first use of node:crypto or Web Crypto in a process initializes OpenSSL and loads their
 * modules, 11–15 ms measured; the driver asks for 16 bytes on a cold start's first query (its
 * session id). Where there is no /dev/urandom, node:crypto's `randomFillSync` fills it.
 *
 * @template {NodeJS.ArrayBufferView} T
 * @param {T} array
 * @returns {T}
 */
module.exports = (array) => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let fd;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return process.getBuiltinModule('node:crypto').randomFillSync(array);
  }
  try {
    for (let filled = 0; filled < bytes.length;)
      filled += readSync(fd, bytes, filled, bytes.length - filled, null);
  } finally {
    closeSync(fd);
  }
  return array;
};
