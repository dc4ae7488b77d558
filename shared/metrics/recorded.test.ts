import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RecordedCounter, RecordedHistogram } from './recorded';

const BUCKETS = [0.001, 0.01, 0.1, 1];

/** The same observations through prom-client's own metrics and through the recorded ones. */
async function expositions(observations: [route: string, status: string, seconds: number][]) {
  const own = new Registry();
  const recorded = new Registry();
  for (const registry of [own, recorded]) registry.setDefaultLabels({ service: 'test' });
  const counter = new Counter({
    name: 'requests_total',
    help: 'Requests.',
    labelNames: ['route', 'status'] as const,
    registers: [own],
  });
  const histogram = new Histogram({
    name: 'request_seconds',
    help: 'Latency.',
    labelNames: ['route'] as const,
    buckets: BUCKETS,
    registers: [own],
  });
  const recordedCounter = new RecordedCounter<'route' | 'status'>(
    'requests_total',
    'Requests.',
    recorded,
  );
  const recordedHistogram = new RecordedHistogram<'route'>(
    'request_seconds',
    'Latency.',
    BUCKETS,
    recorded,
  );
  for (const [route, status, seconds] of observations) {
    counter.inc({ route, status });
    histogram.observe({ route }, seconds);
    recordedCounter.series({ route, status }).inc();
    recordedHistogram.series({ route }).observe(seconds);
  }
  return { own, recorded };
}

describe('recorded metrics', () => {
  it('are exposed exactly as prom-client exposes its own counter and histogram', async () => {
    // Values on bucket bounds, between them, above all of them; two routes, two statuses.
    const observations: [string, string, number][] = [
      ['/multivac', '200', 0.0005],
      ['/multivac', '200', 0.001],
      ['/multivac', '304', 0.004],
      ['/', '200', 0.1],
      ['/multivac', '200', 0.25],
      ['/', '500', 3],
      ['/multivac', '200', 0.0099],
    ];
    const { own, recorded } = await expositions(observations);
    const text = await recorded.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_seconds_bucket{le="0.01",service="test",route="/multivac"} 4');
    expect(text).toContain('request_seconds_bucket{le="+Inf",service="test",route="/"} 2');
    expect(text).toContain('requests_total{route="/multivac",status="200",service="test"} 4');
    expect(await recorded.getMetricsAsJSON()).toEqual(await own.getMetricsAsJSON());
  });

  it('keeps each label set in one series, found again by the same labels', () => {
    const registry = new Registry();
    const counter = new RecordedCounter<'type'>('events_total', 'Events.', registry);
    const a = counter.series({ type: 'a' });
    expect(counter.series({ type: 'a' })).toBe(a);
    expect(counter.series({ type: 'b' })).not.toBe(a);
  });

  it('starts again from zero on reset, through the series its callers hold', async () => {
    const registry = new Registry();
    const histogram = new RecordedHistogram<'route'>('seconds', 'Latency.', BUCKETS, registry);
    const series = histogram.series({ route: '/' });
    series.observe(0.5);
    registry.resetMetrics();
    series.observe(0.002);
    const text = await registry.metrics();
    expect(text).toContain('seconds_count{route="/"} 1');
    expect(text).toContain('seconds_sum{route="/"} 0.002');
    expect(text).toContain('seconds_bucket{le="1",route="/"} 1');
  });

  it('refuses a second metric of the same name, as prom-client does', () => {
    const registry = new Registry();
    new RecordedCounter('same_total', 'One.', registry);
    expect(() => new Counter({ name: 'same_total', help: 'Two.', registers: [registry] })).toThrow(
      /already been registered/,
    );
  });
});
