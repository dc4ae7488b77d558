'use strict';
/**
 * node:http2 for undici's HTTP/2 client, which requires it at load (and so node:tls) but uses it
 * only to open an HTTP/2 session, which MultiVAC never asks for: ~5-10 ms of the broker's start
 * and of acquire's first request. It reads the constants below at load, so they are here (the
 * values are HTTP/2's own, RFC 9113; a test compares them with Node's); anything else of the
 * module, and any other constant, loads it. tools/build resolves undici's import of it to this file.
 */

const KNOWN = {
  HTTP2_HEADER_AUTHORITY: ':authority',
  HTTP2_HEADER_METHOD: ':method',
  HTTP2_HEADER_PATH: ':path',
  HTTP2_HEADER_SCHEME: ':scheme',
  HTTP2_HEADER_CONTENT_LENGTH: 'content-length',
  HTTP2_HEADER_EXPECT: 'expect',
  HTTP2_HEADER_STATUS: ':status',
  HTTP2_HEADER_PROTOCOL: ':protocol',
  NGHTTP2_REFUSED_STREAM: 7,
  NGHTTP2_CANCEL: 8,
};

const http2 = () => process.getBuiltinModule('node:http2');

const constants = new Proxy(KNOWN, {
  get: (known, name) =>
    Object.hasOwn(known, name) ? Reflect.get(known, name) : Reflect.get(http2().constants, name),
});

/** @type {typeof import('node:http2')} */
module.exports = /** @type {any} */ (
  new Proxy(
    {},
    {
      get: (_, name) =>
        name === 'constants'
          ? constants
          : name === '__esModule'
            ? undefined
            : Reflect.get(http2(), name),
    },
  )
);
