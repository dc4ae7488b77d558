'use strict';
/**
 * The CloudEvents SDK's HTTP transport in the bundles, loaded on its first call. The SDK's index
 * requires it at load, and it requires node:https, which loads TLS (~4 ms of the cold start of
 * every function that makes events, before it listens); MultiVAC sends its events with its own
 * client (shared/events/emit.ts) and never calls it. tools/build resolves the SDK's import of it to
 * this file.
 */

/** @type {typeof import('cloudevents/dist/transport/http') | undefined} */
let transport;

/** @type {typeof import('cloudevents').httpTransport} */
function httpTransport(sink) {
  transport ??= require('cloudevents/dist/transport/http');
  return transport.httpTransport(sink);
}

module.exports = { httpTransport };
