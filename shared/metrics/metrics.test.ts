import { describe, expect, it } from 'vitest';
import { createMetrics, startMetricsServer } from './index';

describe('metrics', () => {
  it('records HTTP and event metrics on its own registry', async () => {
    const metrics = createMetrics('question');
    metrics.observeHttp('/multivac', 'GET', 200, 0.002);
    metrics.observeEvent('dev.multivac.document.learn', 'duplicate', 0.01);
    metrics.emitted.inc({ type: 'dev.multivac.answer.updated' });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'multivac_http_requests_total{route="/multivac",method="GET",status="200",service="question"} 1',
    );
    expect(text).toContain(
      'multivac_events_total{type="dev.multivac.document.learn",outcome="duplicate",service="question"} 1',
    );
    expect(text).toContain(
      'multivac_events_emitted_total{type="dev.multivac.answer.updated",service="question"} 1',
    );
    expect(text).toContain('multivac_process_cpu_seconds_total');
  });

  it('returns the same metric when asked twice for one name', () => {
    const metrics = createMetrics('twice');
    expect(metrics.gauge('multivac_g', 'g')).toBe(metrics.gauge('multivac_g', 'g'));
    expect(metrics.counter('multivac_c', 'c')).toBe(metrics.counter('multivac_c', 'c'));
  });

  it('keeps registries apart', async () => {
    const a = createMetrics('a');
    const b = createMetrics('b');
    a.observeHttp('/', 'GET', 200, 0.001);
    expect(await b.registry.metrics()).not.toContain('route="/"');
  });

  it('serves /metrics on its own port and 404 elsewhere', async () => {
    const metrics = createMetrics('data');
    metrics.gauge('multivac_test_gauge', 'test').set(7);
    const server = await startMetricsServer(metrics.registry, 0, '127.0.0.1');
    try {
      const ok = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toContain('text/plain');
      expect(await ok.text()).toContain('multivac_test_gauge{service="data"} 7');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
