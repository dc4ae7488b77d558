/** Prometheus metrics: a registry per process and the `/metrics` listener. */
export { createMetrics, metricsForProcess, type Metrics, type EventOutcome } from './registry';
export { startMetricsServer, type MetricsServer } from './server';
