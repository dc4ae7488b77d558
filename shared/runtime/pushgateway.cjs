'use strict';
/**
 * prom-client's Pushgateway in the bundles, loaded when first constructed. prom-client's index
 * requires it at load, and it requires node:https, which loads TLS and crypto: 10-15 ms of every
 * function's cold start, before it listens, for a class MultiVAC never uses (Prometheus scrapes
 * the functions). tools/build resolves prom-client's import of it to this file.
 */

/** @typedef {typeof import('prom-client').Pushgateway} PushgatewayClass */
/** @type {PushgatewayClass | undefined} */
let Pushgateway;

/**
 * @param {ConstructorParameters<PushgatewayClass>} args
 * @returns {InstanceType<PushgatewayClass>}
 */
function LazyPushgateway(...args) {
  Pushgateway ??= require('prom-client/lib/pushgateway');
  return new Pushgateway(...args);
}

module.exports = LazyPushgateway;
