import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uploadPastAnswer } from '../../shared/http/testing';
import { createLogger } from '../../shared/log/index';
import { createMetrics } from '../../shared/metrics/index';
import { createIngress } from './ingress';
import { brokerMetrics } from './metrics';
import { StreamLostError, type Prepared, type Publish } from './publish';

const quiet = createLogger({
  service: 'broker-test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

/** What reached the publisher, request by request; `failure` makes it throw like a Redis outage. */
let published: Prepared[][] = [];
let failure: Error | undefined;
let unavailable: string | undefined;
const publish: Publish = async (events) => {
  if (failure) throw failure;
  published.push([...events]);
  return { appended: [events.length], duplicates: 0, unrouted: 0 };
};

const metrics = brokerMetrics(createMetrics('broker-ingress-test'));
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(
    createIngress({
      publish,
      maxRequestBytes: 4096,
      maxEventBytes: 1024,
      unavailable: () => unavailable,
      log: quiet,
      metrics,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  published = [];
  failure = undefined;
  unavailable = undefined;
});

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  source: '/multivac/test',
  type: 'dev.multivac.any',
  ...extra,
});
const binary = {
  'ce-specversion': '1.0',
  'ce-id': 'b1',
  'ce-source': '/multivac/test',
  'ce-type': 'dev.multivac.any',
  'content-type': 'application/json',
};
const post = (headers: Record<string, string>, body: string, path = '/') =>
  fetch(base + path, { method: 'POST', headers, body });

describe('ingress', () => {
  it.each([
    ['binary', binary, '{"a":1}', ['b1']],
    [
      'structured',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify(event('s1')),
      ['s1'],
    ],
    [
      'batch',
      { 'content-type': 'application/cloudevents-batch+json' },
      JSON.stringify([event('a'), event('b'), event('c')]),
      ['a', 'b', 'c'],
    ],
  ])('accepts %s mode with 202 once published', async (_mode, headers, body, ids) => {
    const res = await post(headers, body);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(published.map((request) => request.map((p) => p.event.id))).toEqual([ids]);
  });

  it('stores any event type, not only the catalogue', async () => {
    const res = await post({ ...binary, 'ce-type': 'com.example.unknown' }, '{}');
    expect(res.status).toBe(202);
  });

  it.each([
    ['a plain JSON body', { 'content-type': 'application/json' }, '{}', 415, 'not a CloudEvent'],
    [
      'another event format',
      { 'content-type': 'application/cloudevents+protobuf' },
      'x',
      415,
      'not supported',
    ],
    ['compressed', { ...binary, 'content-encoding': 'gzip' }, 'x', 415, 'content-encoding'],
    [
      'a missing attribute',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', id: 'x' }),
      400,
      'missing source, type',
    ],
    [
      'an event over the per-event limit',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify(event('big', { data: 'x'.repeat(2000) })),
      413,
      'the limit is 1024',
    ],
    [
      'a request over the request limit',
      { 'content-type': 'application/cloudevents-batch+json' },
      JSON.stringify(
        Array.from({ length: 40 }, (_, i) => event(`e${i}`, { data: 'x'.repeat(100) })),
      ),
      413,
      'larger than 4096 bytes',
    ],
  ])('refuses %s with a problem', async (_name, headers, body, status, fragment) => {
    const res = await post(headers, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toContain(fragment);
    expect(published).toEqual([]);
  });

  it.each([
    [
      'an invalid event',
      [event('a'), event('b'), { ...event('c'), specversion: '0.3' }],
      400,
      'event 2 of the batch',
    ],
    [
      'an oversized event',
      [event('a'), event('b', { data: 'x'.repeat(1500) }), event('c')],
      413,
      'event b',
    ],
  ])('publishes nothing of a batch with %s', async (_name, batch, status, fragment) => {
    const res = await post(
      { 'content-type': 'application/cloudevents-batch+json' },
      JSON.stringify(batch),
    );
    expect(res.status).toBe(status);
    expect(((await res.json()) as { detail: string }).detail).toContain(fragment);
    expect(published).toEqual([]);
  });

  it('answers 503 with Retry-After when Redis does not take the events', async () => {
    failure = new Error('Connection is closed.');
    const res = await post(binary, '{}');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('answers 503 with Retry-After when a stream was lost, and says so', async () => {
    failure = new StreamLostError('multivac:events:{t}');
    const res = await post(binary, '{}');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { detail: string }).detail).toContain('Redis lost');
  });

  it('answers 503 until ready, with the reason, and says so on /readyz', async () => {
    unavailable = 'the broker is starting';
    const res = await post(binary, '{}');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toBe('the broker is starting');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    unavailable = undefined;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it.each([
    ['GET', '/', 405],
    ['PUT', '/', 405],
    ['POST', '/elsewhere', 404],
  ])('%s %s → %i', async (method, path, status) => {
    const res = await fetch(base + path, { method, ...(method === 'GET' ? {} : { body: 'x' }) });
    expect(res.status).toBe(status);
    if (status === 405) expect(res.headers.get('allow')).toBe('POST');
  });

  it('counts refusals by status', async () => {
    await post({ 'content-type': 'text/plain' }, 'x');
    expect(await metrics.base.registry.metrics()).toMatch(
      /multivac_broker_rejected_total\{status="415",service="broker-ingress-test"\} [1-9]/,
    );
  });

  it.each([
    ['OPTIONS', 405],
    ['POST', 413],
  ])(
    'answers %s to a publisher still uploading (%i), then reads and drops the rest rather than resetting',
    async (method, status) => {
      // A raw connection, so the test sees what a peer sees: the answer, then whether its further
      // writes are taken (a lingering close) or fail (a reset that would lose the answer).
      const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
      const seen = await uploadPastAnswer(
        base,
        `${method} / HTTP/1.1\r\nhost: x\r\ncontent-type: application/cloudevents+json\r\n` +
          `transfer-encoding: chunked\r\n\r\n` +
          chunk.repeat(method === 'POST' ? 2 : 1),
        chunk,
      );
      expect(seen.answer).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(seen.error).toBeUndefined();
      expect(seen.ended).toBe(true);
    },
  );
});
