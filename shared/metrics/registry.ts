import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond cache hits up to slow fetches. */
const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * A registry whose Node default metrics (CPU, memory, event loop, GC) start at its first scrape:
 * setting them up is a few milliseconds a cold start need not spend before its first answer.
 */
class ProcessRegistry extends Registry {
  #defaults = false;

  override async metrics(): Promise<string> {
    if (!this.#defaults) {
      this.#defaults = true;
      collectDefaultMetrics({ register: this, prefix: 'multivac_' });
    }
    return super.metrics();
  }
}

/**
 * One registry per process (never prom-client's global one, so tests and bundles stay isolated),
 * with Node's default metrics and the HTTP and event metrics every function shares.
 */
export function createMetrics(service: string) {
  const registry = new ProcessRegistry();
  registry.setDefaultLabels({ service });

  const httpRequests = new Counter({
    name: 'multivac_http_requests_total',
    help: 'HTTP requests served, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'multivac_http_request_duration_seconds',
    help: 'HTTP request latency.',
    labelNames: ['route', 'method'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const events = new Counter({
    name: 'multivac_events_total',
    help: 'CloudEvents handled, by type and outcome (ok, duplicate, rejected, failed).',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const eventDuration = new Histogram({
    name: 'multivac_event_duration_seconds',
    help: 'CloudEvent handling latency.',
    labelNames: ['type'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const emitted = new Counter({
    name: 'multivac_events_emitted_total',
    help: 'CloudEvents published to the broker, by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });

  // The labelled series of each route, method and status, looked up once (not per request).
  const series = new Map<string, { count(): void; time(seconds: number): void }>();
  const seriesOf = (route: string, method: string, status: number) => {
    const key = `${route} ${method} ${status}`;
    let found = series.get(key);
    if (!found) {
      const counter = httpRequests.labels({ route, method, status: String(status) });
      const histogram = httpDuration.labels({ route, method });
      found = { count: () => counter.inc(), time: (s) => histogram.observe(s) };
      series.set(key, found);
    }
    return found;
  };

  return {
    registry,
    emitted,
    /** Records one HTTP request. */
    observeHttp(route: string, method: string, status: number, seconds: number): void {
      const s = seriesOf(route, method, status);
      s.count();
      s.time(seconds);
    },
    /** Records one handled CloudEvent. */
    observeEvent(type: string, outcome: EventOutcome, seconds: number): void {
      events.inc({ type, outcome });
      eventDuration.observe({ type }, seconds);
    },
    /** A gauge on this registry (queue lag, answer confidence, …); the same one if asked twice. */
    gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
      return (
        (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
        new Gauge<L>({ name, help, labelNames, registers: [registry] })
      );
    },
    counter<L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[] = [],
    ): Counter<L> {
      return (
        (registry.getSingleMetric(name) as Counter<L> | undefined) ??
        new Counter<L>({ name, help, labelNames, registers: [registry] })
      );
    },
    histogram<L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[] = [],
      buckets = SECONDS,
    ): Histogram<L> {
      return (
        (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
        new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] })
      );
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
export type EventOutcome = 'ok' | 'duplicate' | 'rejected' | 'failed';

let processMetrics: Metrics | undefined;

/**
 * The registry of this process, created on first use: the runtime serves it on METRICS_PORT and
 * the function's handlers record into it.
 */
export function metricsForProcess(service: string): Metrics {
  processMetrics ??= createMetrics(service);
  return processMetrics;
}
