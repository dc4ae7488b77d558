import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  RecordedCounter,
  RecordedHistogram,
  type CounterSeries,
  type HistogramSeries,
} from './recorded';

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

  // Recorded on every request and event: plain numbers per series, read by prom-client at a
  // scrape (recorded.ts says why).
  const httpRequests = new RecordedCounter<'route' | 'method' | 'status'>(
    'multivac_http_requests_total',
    'HTTP requests served, by route, method and status code.',
    registry,
  );
  const httpDuration = new RecordedHistogram<'route' | 'method'>(
    'multivac_http_request_duration_seconds',
    'HTTP request latency.',
    SECONDS,
    registry,
  );
  const events = new RecordedCounter<'type' | 'outcome'>(
    'multivac_events_total',
    'CloudEvents handled, by type and outcome (ok, duplicate, rejected, failed).',
    registry,
  );
  const eventDuration = new RecordedHistogram<'type'>(
    'multivac_event_duration_seconds',
    'CloudEvent handling latency.',
    SECONDS,
    registry,
  );
  const emitted = new Counter({
    name: 'multivac_events_emitted_total',
    help: 'CloudEvents published to the broker, by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });

  // A request's two series, found by route, method and status without building a key.
  type HttpSeries = { count: CounterSeries; time: HistogramSeries };
  const http = new Map<string, Map<string, Map<number, HttpSeries>>>();
  const httpSeries = (route: string, method: string, status: number): HttpSeries => {
    let byMethod = http.get(route);
    if (!byMethod) http.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let found = byStatus.get(status);
    if (!found) {
      found = {
        count: httpRequests.series({ route, method, status: String(status) }),
        time: httpDuration.series({ route, method }),
      };
      byStatus.set(status, found);
    }
    return found;
  };

  return {
    registry,
    emitted,
    /** Records one HTTP request. */
    observeHttp(route: string, method: string, status: number, seconds: number): void {
      const s = httpSeries(route, method, status);
      s.count.inc();
      s.time.observe(seconds);
    },
    /** Records one handled CloudEvent. */
    observeEvent(type: string, outcome: EventOutcome, seconds: number): void {
      events.series({ type, outcome }).inc();
      eventDuration.series({ type }).observe(seconds);
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
