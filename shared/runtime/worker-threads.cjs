'use strict';
/**
 * node:worker_threads for pino, which requires it at load for `isMainThread` alone (it registers
 * its destination for a flush at exit only on the main thread). Loading it costs ~2.5 ms of every
 * function's cold start, before it listens. A function's code — pino included — runs on the main
 * thread: no function starts a worker, and pino's worker-thread transports are left out of the
 * bundles (thread-stream.cjs). Anything else is the real module, loaded on first use.
 * tools/build resolves pino's import of worker_threads to this file.
 */

/** @type {typeof import('node:worker_threads')} */
module.exports = require('./lazy-builtin.cjs')('node:worker_threads', () => ({
  isMainThread: true,
}));
