/**
 * The load of the broker benchmark: a subscriber that timestamps arrivals, publishers (as fast
 * as taken, or paced), and the raw XADD / XREADGROUP / XACK loop it is compared with.
 */
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Pool } from 'undici';
import { cpuSecondsOf } from './proc';

/** Parallel requests (and XADDs) in flight, and parallel deliveries in the broker and the relay. */
export const CONCURRENCY = 32;

/** One run: events carried, in how long, and each event's publish-to-arrival latency. */
export interface Measured {
  events: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU time (user + system) of the process under test during the run, where /proc tells. */
  cpuSeconds?: number;
  /** The same for redis-server (which Redis path's cost per event this is). */
  redisCpuSeconds?: number;
}

/** Runs `measure` and adds the CPU time the process under test and redis-server spent meanwhile. */
export async function withCpu(
  pids: { process?: number; redis?: number },
  measure: () => Promise<Measured>,
): Promise<Measured> {
  const before = await Promise.all([cpuSecondsOf(pids.process), cpuSecondsOf(pids.redis)]);
  const measured = await measure();
  const after = await Promise.all([cpuSecondsOf(pids.process), cpuSecondsOf(pids.redis)]);
  const spent = (i: number) =>
    before[i] === undefined || after[i] === undefined ? undefined : after[i] - before[i];
  const cpuSeconds = spent(0);
  const redisCpuSeconds = spent(1);
  return {
    ...measured,
    ...(cpuSeconds !== undefined ? { cpuSeconds } : {}),
    ...(redisCpuSeconds !== undefined ? { redisCpuSeconds } : {}),
  };
}

/** How long the benchmark waits for the next event to arrive before it calls the run failed. */
const STALL_MS = 30_000;

/** A subscriber that answers 204 and records when each event arrived, by its `t`. */
export class Sink {
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

  /**
   * Resolves once `count` more events arrived; fails, naming `what`, when none arrived for
   * `stallMs` (an event lost on the way would otherwise keep the benchmark waiting for ever).
   */
  expect(count: number, what: string, stallMs = STALL_MS): Promise<void> {
    this.latencies.length = 0;
    this.#expected = count;
    return new Promise((done, fail) => {
      let seen = 0;
      const watch = setInterval(() => {
        if (this.latencies.length > seen) seen = this.latencies.length;
        else {
          clearInterval(watch);
          fail(new Error(`${what}: ${seen} of ${count} events arrived, none in ${stallMs} ms`));
        }
      }, stallMs);
      this.#done = () => {
        clearInterval(watch);
        done();
      };
    });
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
 * Publishes `events` through an ingress (the broker's or the relay's), `perRequest` at a time, as
 * fast as it takes them or at `perSecond` requests, and waits for every delivery.
 */
export async function throughIngress(
  pool: Pool,
  sink: Sink,
  events: number,
  perRequest: number,
  prefix: string,
  perSecond?: number,
): Promise<Measured> {
  const arrived = sink.expect(events, prefix);
  arrived.catch(() => {}); // awaited below, once the publishing is done
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
    if (response.statusCode !== 202) throw new Error(`the ingress answered ${response.statusCode}`);
  });
  await arrived;
  return {
    events,
    seconds: (performance.now() - started) / 1000,
    latenciesMs: [...sink.latencies],
  };
}

/** The same work with bare Redis commands: XADD, XREADGROUP (COUNT 100), XACK. */
export async function rawStreams(
  url: string,
  events: number,
  stream: string,
  perSecond?: number,
): Promise<Measured> {
  const producer = new Redis(url);
  const consumer = new Redis(url);
  await producer.call('XGROUP', 'CREATE', stream, 'g', '$', 'MKSTREAM');
  // Connected before the clock starts: a turn of 2,000 events lasts ~60 ms at this loop's rate.
  await consumer.call('PING');
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

/** Runs measured together: their events, times, latencies and CPU added up. */
export function merged(runs: readonly Measured[]): Measured {
  const sum = (pick: (m: Measured) => number | undefined) =>
    runs.some((m) => pick(m) === undefined)
      ? undefined
      : runs.reduce((total, m) => total + pick(m)!, 0);
  const cpuSeconds = sum((m) => m.cpuSeconds);
  const redisCpuSeconds = sum((m) => m.redisCpuSeconds);
  return {
    events: sum((m) => m.events)!,
    seconds: sum((m) => m.seconds)!,
    latenciesMs: runs.flatMap((m) => m.latenciesMs),
    ...(cpuSeconds !== undefined ? { cpuSeconds } : {}),
    ...(redisCpuSeconds !== undefined ? { redisCpuSeconds } : {}),
  };
}

/**
 * Measures several paths over `events` each, in `slices` turns that go round the paths, and adds
 * each path's turns up. The VM this runs on changes speed from one minute to the next (its host's
 * other guests): paths measured one after the other, a few seconds each, differed by up to 1.7×
 * in runs where nothing of theirs had changed; taking turns, each path sees the same machine.
 */
export async function interleaved<K extends string>(
  paths: Readonly<Record<K, (events: number, slice: number) => Promise<Measured>>>,
  events: number,
  slices: number,
): Promise<Record<K, Measured>> {
  const names = Object.keys(paths) as K[];
  const runs = new Map<K, Measured[]>(names.map((name) => [name, []]));
  for (let slice = 0; slice < slices; slice++) {
    const count = Math.floor(events / slices) + (slice < events % slices ? 1 : 0);
    for (const name of names) runs.get(name)!.push(await paths[name](count, slice));
  }
  return Object.fromEntries(names.map((name) => [name, merged(runs.get(name)!)])) as Record<
    K,
    Measured
  >;
}
