'use strict';
/**
 * thread-stream (pino's worker-thread transports) in the bundles, loaded when first constructed:
 * pino requires it at load, and it requires node:assert and node:worker_threads (~3-5 ms of every
 * function's cold start, before it listens), for transports MultiVAC does not use (its logs are
 * JSON lines on stdout). tools/build resolves pino's import of it to this file.
 */

/** @typedef {typeof import('thread-stream')} ThreadStreamClass */
/** @type {ThreadStreamClass | undefined} */
let ThreadStream;

/**
 * @param {ConstructorParameters<ThreadStreamClass>} args
 * @returns {InstanceType<ThreadStreamClass>}
 */
function LazyThreadStream(...args) {
  ThreadStream ??= require('thread-stream');
  return new /** @type {ThreadStreamClass} */ (ThreadStream)(...args);
}

module.exports = LazyThreadStream;
