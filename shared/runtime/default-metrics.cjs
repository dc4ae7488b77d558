'use strict';
/**
 * prom-client's collectDefaultMetrics in the bundles, loaded when first called. prom-client's
 * index requires it at load, and it requires every default metric's module with them node:v8,
 * node:perf_hooks and the OpenTelemetry API (~5 ms of every function's cold start, before it
 * listens), while MultiVAC collects them only at the first scrape (shared/metrics/registry.ts).
 * tools/build resolves prom-client's import of it to this file.
 */

/** @typedef {typeof import('prom-client').collectDefaultMetrics} Collect */
/** @type {Collect | undefined} */
let collect;
const load = () => (collect ??= require('prom-client/lib/defaultMetrics'));

/** @param {Parameters<Collect>} args */
function collectDefaultMetrics(...args) {
  return load()(...args);
}

Object.defineProperty(collectDefaultMetrics, 'metricsList', {
  enumerable: true,
  get: () => load().metricsList,
});

module.exports = collectDefaultMetrics;
