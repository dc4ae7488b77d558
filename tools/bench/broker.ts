/**
 * Broker throughput and latency: events per second and p50/p99 publish-to-delivery latency
 * through the broker (HTTP ingress → XADD → XREADGROUP → HTTP delivery to a trivial subscriber
 * → XACK), one event per request and in batches, next to a raw XADD / XREADGROUP / XACK loop
 * on the same Redis in the same run. Everything runs on this machine: its own redis-server, the
 * broker as its own process, the subscriber and the publishers in this one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import {
  freePort,
  spawnServer,
  startRedis,
  waitUntil,
  type ServerProcess,
} from '../services/index';
import { percentile, ratio } from './stats';
import type { Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');

/** Parallel requests (and XADDs) in flight, and parallel deliveries in the broker. */
const CONCURRENCY = 32;
const BATCH = 50;
/** Events per second of the paced runs: well below what either path can take here. */
const PACE = 500;

interface Measured {
  events: number;
  seconds: number;
  latenciesMs: number[];
}

/** A subscriber that answers 204 and records when each event arrived, by its `t`. */
class Sink {
  readonly latencies: number[] = [];
  #expected = 0;
  #done: (() => void) | undefined;
  readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(204).end();
      const { t } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { t: number };
      this.latencies.push(performance.now() - t);
      if (this.latencies.length === this.#expected) this.#done?.();
    });
  });

  /** Resolves once `count` more events arrived. */
  expect(count: number): Promise<void> {
    this.latencies.length = 0;
    this.#expected = count;
    return new Promise((done) => (this.#done = done));
  }
}

/** Runs `total` tasks with at most `concurrency` at a time. */
async function parallel(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

/**
 * Starts `total` tasks at a steady `perSecond` whether or not earlier ones finished (an open
 * loop), so that latency is measured without a backlog of the benchmark's own making.
 */
async function paced(total: number, perSecond: number, task: (i: number) => Promise<void>) {
  const tick = 10;
  const perTick = Math.max(1, Math.round((perSecond * tick) / 1000));
  const running: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i += perTick) {
    for (let k = i; k < Math.min(total, i + perTick); k++) running.push(task(k));
    const due = started + ((i + perTick) / perSecond) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await Promise.all(running);
}

const payload = (id: string) => ({
  specversion: '1.0',
  id,
  source: '/multivac/bench',
  type: 'dev.multivac.bench',
  datacontenttype: 'application/json',
});

/**
 * Publishes `events` through the broker, `perRequest` at a time, as fast as it takes them or at
 * `perSecond` requests, and waits for every delivery.
 */
async function throughBroker(
  pool: Pool,
  sink: Sink,
  events: number,
  perRequest: number,
  prefix: string,
  perSecond?: number,
): Promise<Measured> {
  const arrived = sink.expect(events);
  const started = performance.now();
  const requests = Math.ceil(events / perRequest);
  const drive = (task: (r: number) => Promise<void>) =>
    perSecond ? paced(requests, perSecond, task) : parallel(requests, CONCURRENCY, task);
  await drive(async (r) => {
    const ids = Array.from(
      { length: Math.min(perRequest, events - r * perRequest) },
      (_, k) => `${prefix}-${r * perRequest + k}`,
    );
    const t = performance.now();
    const response =
      ids.length === 1
        ? await pool.request({
            path: '/',
            method: 'POST',
            headers: {
              'ce-specversion': '1.0',
              'ce-id': ids[0]!,
              'ce-source': '/multivac/bench',
              'ce-type': 'dev.multivac.bench',
              'content-type': 'application/json',
            },
            body: JSON.stringify({ t }),
          })
        : await pool.request({
            path: '/',
            method: 'POST',
            headers: { 'content-type': 'application/cloudevents-batch+json' },
            body: JSON.stringify(ids.map((id) => ({ ...payload(id), data: { t } }))),
          });
    await response.body.dump();
    if (response.statusCode !== 202) throw new Error(`the broker answered ${response.statusCode}`);
  });
  await arrived;
  return {
    events,
    seconds: (performance.now() - started) / 1000,
    latenciesMs: [...sink.latencies],
  };
}

/** The same work with bare Redis commands: XADD, XREADGROUP (COUNT 100), XACK. */
async function rawStreams(
  url: string,
  events: number,
  stream: string,
  perSecond?: number,
): Promise<Measured> {
  const producer = new Redis(url);
  const consumer = new Redis(url);
  await producer.call('XGROUP', 'CREATE', stream, 'g', '$', 'MKSTREAM');
  const latencies: number[] = [];
  const started = performance.now();
  const consuming = (async () => {
    while (latencies.length < events) {
      const reply = (await consumer.call(
        'XREADGROUP',
        'GROUP',
        'g',
        'c',
        'COUNT',
        100,
        'BLOCK',
        1000,
        'STREAMS',
        stream,
        '>',
      )) as unknown[] | null;
      if (!reply) continue;
      const entries = (typeof reply[0] === 'string' ? reply[1] : (reply[0] as unknown[])[1]) as [
        string,
        string[],
      ][];
      const now = performance.now();
      for (const [, fields] of entries) {
        const event = JSON.parse(fields[1]!) as { data: { t: number } };
        latencies.push(now - event.data.t);
      }
      await consumer.call('XACK', stream, 'g', ...entries.map(([id]) => id));
    }
  })();
  const drive = (task: (i: number) => Promise<void>) =>
    perSecond ? paced(events, perSecond, task) : parallel(events, CONCURRENCY, task);
  await drive(async (i) => {
    const t = performance.now();
    await producer.call(
      'XADD',
      stream,
      '*',
      'event',
      JSON.stringify({ ...payload(`raw-${i}`), data: { t } }),
    );
  });
  await consuming;
  const seconds = (performance.now() - started) / 1000;
  await producer.call('DEL', stream);
  producer.disconnect();
  consumer.disconnect();
  return { events, seconds, latenciesMs: latencies };
}

const row = (path: string, m: Measured) => ({
  path,
  events: m.events,
  'events/s': Math.round(m.events / m.seconds),
  'p50 ms': Number(percentile(m.latenciesMs, 50).toFixed(2)),
  'p99 ms': Number(percentile(m.latenciesMs, 99).toFixed(2)),
});

export const run: Benchmark = async ({ quick }) => {
  const events = quick ? 2_000 : 20_000;
  const warmup = quick ? 200 : 1_000;
  const dir = await mkdtemp(join(tmpdir(), 'multivac-bench-broker-'));
  const redis = await startRedis({ dataDir: join(dir, 'redis'), env: { PATH: process.env.PATH } });
  const sink = new Sink();
  let broker: ServerProcess | undefined;
  let pool: Pool | undefined;
  try {
    await new Promise<void>((ok) => sink.server.listen(0, '127.0.0.1', ok));
    const sinkUrl = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}/`;
    const table = join(dir, 'triggers.yaml');
    await writeFile(
      table,
      [
        'apiVersion: eventing.knative.dev/v1',
        'kind: Trigger',
        'metadata: {name: bench}',
        'spec:',
        `  subscriber: {uri: "${sinkUrl}"}`,
        '  delivery: {retry: 3, backoffDelay: PT0.1S, timeout: PT5S}',
      ].join('\n'),
    );
    const port = await freePort();
    broker = spawnServer(
      process.execPath,
      ['--import', 'tsx', join(root, 'functions/broker/index.ts')],
      join(dir, 'broker.log'),
      {
        PATH: process.env.PATH,
        REDIS_URL: redis.url,
        MULTIVAC_TRIGGERS_FILE: table,
        MULTIVAC_STREAM: 'bench:events',
        MULTIVAC_BROKER_HOST: '127.0.0.1',
        MULTIVAC_CONSUMER_NAME: 'bench',
        MULTIVAC_DELIVERY_CONCURRENCY: String(CONCURRENCY),
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
    );
    const ingress = `http://127.0.0.1:${port}`;
    await waitUntil(
      'broker',
      async () => (await fetch(`${ingress}/readyz`).catch(() => undefined))?.status === 200,
      { exited: broker.exited },
    );
    pool = new Pool(ingress, { connections: CONCURRENCY });

    await throughBroker(pool, sink, warmup, 1, 'warm');
    const single = await throughBroker(pool, sink, events, 1, 'single');
    await throughBroker(pool, sink, warmup, BATCH, 'warm-batch');
    const batched = await throughBroker(pool, sink, events, BATCH, 'batch');
    await rawStreams(redis.url, warmup, 'bench:raw-warm');
    const raw = await rawStreams(redis.url, events, 'bench:raw');
    const pacedEvents = quick ? 1_000 : 5_000;
    const steady = await throughBroker(pool, sink, pacedEvents, 1, 'paced', PACE);
    const rawSteady = await rawStreams(redis.url, pacedEvents, 'bench:raw-paced', PACE);

    const rows = [
      row('broker, 1 event per request', single),
      row(`broker, ${BATCH} events per request`, batched),
      row('raw XADD/XREADGROUP/XACK', raw),
      row(`broker, paced at ${PACE}/s`, steady),
      row(`raw, paced at ${PACE}/s`, rawSteady),
    ];
    const rate = (m: Measured) => m.events / m.seconds;
    const p = (m: Measured, q: number) => percentile(m.latenciesMs, q);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const ms = (n: number) => `${n.toFixed(2)} ms`;
    return {
      name: 'broker',
      rows,
      summary: [
        {
          measurement: 'events/s, 1 event per request',
          value: fmt(rate(single)),
          baseline: `${fmt(rate(raw))} raw streams`,
          ratio: ratio(rate(single), rate(raw)),
        },
        {
          measurement: `events/s, ${BATCH} events per request`,
          value: fmt(rate(batched)),
          baseline: `${fmt(rate(raw))} raw streams`,
          ratio: ratio(rate(batched), rate(raw)),
        },
        {
          measurement: `delivery p50 at ${PACE}/s`,
          value: ms(p(steady, 50)),
          baseline: `${ms(p(rawSteady, 50))} raw streams`,
          ratio: ratio(p(steady, 50), p(rawSteady, 50)),
        },
        {
          measurement: `delivery p99 at ${PACE}/s`,
          value: ms(p(steady, 99)),
          baseline: `${ms(p(rawSteady, 99))} raw streams`,
          ratio: ratio(p(steady, 99), p(rawSteady, 99)),
        },
      ],
      notes: [
        `throughput vs raw streams: ${ratio(rate(single), rate(raw))} (1 per request), ${ratio(rate(batched), rate(raw))} (batches of ${BATCH})`,
        `latency vs raw streams (1 per request): p50 ${ratio(p(single, 50), p(raw, 50))}, p99 ${ratio(p(single, 99), p(raw, 99))}`,
        `latency vs raw streams (batches): p50 ${ratio(p(batched, 50), p(raw, 50))}, p99 ${ratio(p(batched, 99), p(raw, 99))}`,
        `latency vs raw streams at ${PACE} events/s (no backlog): p50 ${ratio(p(steady, 50), p(rawSteady, 50))}, p99 ${ratio(p(steady, 99), p(rawSteady, 99))}`,
        'at full speed the publishers outrun the deliveries, so those latencies are mostly time queued in the stream',
        `${CONCURRENCY} requests (or XADDs) in flight, ${CONCURRENCY} parallel deliveries; one trigger; latency = publish call to arrival at the subscriber (raw: XADD call to XREADGROUP reply); broker, subscriber, publishers and Redis share this machine`,
      ],
    };
  } finally {
    await pool?.close();
    await broker?.stop();
    await new Promise<void>((ok) => sink.server.close(() => ok()));
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
};
