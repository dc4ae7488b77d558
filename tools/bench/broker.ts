/**
 * Broker throughput and latency: events per second and p50/p99 publish-to-delivery latency
 * through the broker (HTTP ingress → Lua append → XREADGROUP → HTTP delivery to a trivial
 * subscriber → XACK), one event per request and in batches, next to baselines measured in the
 * same run: the floor of "two HTTP hops, no Redis" (relay.ts: the same POSTs answered 202 and
 * forwarded to the same subscriber with undici, at the same concurrency), the same relay with the
 * broker's Redis work on the way and nothing else (relay-streams.ts: what Redis Streams cost
 * apart from what the broker's own work costs), and a raw XADD / XREADGROUP / XACK loop on the
 * same Redis. Everything runs on this machine: its own redis-server, the broker and the relays as
 * their own processes — each bundled and started as the broker's image runs it (tools/build,
 * with its Node flags) — the subscriber and the publishers in this one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Pool } from 'undici';
import {
  freePort,
  spawnServer,
  startRedis,
  waitUntil,
  type ServerProcess,
} from '../services/index';
import {
  CONCURRENCY,
  Sink,
  interleaved,
  rawStreams,
  throughIngress,
  withCpu,
  type Measured,
} from './broker-load';
import { bundleNodeFlags } from '../../shared/runtime/node-flags';
import { bundleFunction, discoverFunctions, STARTER } from '../build/index';
import { buildRelay } from './baselines';
import { percentile, ratio } from './stats';
import type { Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');

const BATCH = 50;
/** Events per second of the paced runs: well below what either path can take here. */
const PACE = 500;

const perEvent = (seconds: number | undefined, m: Measured) =>
  seconds === undefined ? '–' : Math.round((seconds * 1e6) / m.events);

const row = (path: string, m: Measured) => ({
  path,
  events: m.events,
  'events/s': Math.round(m.events / m.seconds),
  'p50 ms': Number(percentile(m.latenciesMs, 50).toFixed(2)),
  'p99 ms': Number(percentile(m.latenciesMs, 99).toFixed(2)),
  // The process's own cost per event, which the machine's other load moves less than a rate.
  'CPU µs/event': perEvent(m.cpuSeconds, m),
  'Redis CPU µs/event': perEvent(m.redisCpuSeconds, m),
});

/**
 * Five triggers, as in production (knative/base/triggers.yaml), each filtering on an event type;
 * the bench's events are of the one the `bench` trigger takes, so the other four cost the broker
 * whatever it spends on triggers an event does not go to.
 */
function triggerTable(sinkUrl: string): string {
  const trigger = (name: string, type: string) =>
    [
      'apiVersion: eventing.knative.dev/v1',
      'kind: Trigger',
      `metadata: {name: ${name}}`,
      'spec:',
      `  filter: {attributes: {type: ${type}}}`,
      `  subscriber: {uri: "${sinkUrl}"}`,
      '  delivery: {retry: 3, backoffDelay: PT0.1S, timeout: PT5S}',
    ].join('\n');
  const others = [1, 2, 3, 4].map((n) => trigger(`other-${n}`, `dev.multivac.other${n}`));
  return [trigger('bench', 'dev.multivac.bench'), ...others].join('\n---\n');
}

/** Spawns a bundle's start-up (`<dir>/index.cjs`) with its Node flags, and waits for it. */
async function spawnBundle(
  name: string,
  starter: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  dir: string,
  port: number,
): Promise<ServerProcess> {
  const child = spawnServer(
    process.execPath,
    [...bundleNodeFlags(dirname(starter)), starter, ...args],
    join(dir, `${name}.log`),
    { PATH: process.env.PATH, ...env },
  );
  await waitUntil(
    name,
    async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
    { exited: child.exited },
  );
  return child;
}

/** The broker's bundle as its image has it (code cache included) and the relay's. */
async function buildBoth(dir: string): Promise<{ broker: string; relay: string }> {
  const out = join(dir, 'build');
  const broker = (await discoverFunctions(root)).find((fn) => fn.name === 'broker')!;
  await bundleFunction(broker, root, out);
  return { broker: join(out, 'broker', STARTER), relay: await buildRelay(out) };
}

export const run: Benchmark = async ({ quick }) => {
  const events = quick ? 2_000 : 20_000;
  // Long enough for the JIT to settle in every process: the broker is a larger program than the
  // relay, and with 1,000 warm-up events its compilation still weighed on the measured run.
  const warmup = quick ? 1_000 : 10_000;
  const pacedEvents = quick ? 1_000 : 5_000;
  /** Turns of the interleaved runs: 2,000 events per path and turn. */
  const slices = quick ? 2 : 10;
  const dir = await mkdtemp(join(tmpdir(), 'multivac-bench-broker-'));
  const redis = await startRedis({ dataDir: join(dir, 'redis'), env: { PATH: process.env.PATH } });
  const sink = new Sink();
  const children: ServerProcess[] = [];
  const pools: Pool[] = [];
  try {
    await new Promise<void>((ok) => sink.server.listen(0, '127.0.0.1', ok));
    const sinkUrl = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}/`;
    const table = join(dir, 'triggers.yaml');
    await writeFile(table, triggerTable(sinkUrl));
    const [brokerPort, relayPort, storingPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const bundles = await buildBoth(dir);
    const relayArgs = (port: number) => [
      '--port',
      String(port),
      '--target',
      sinkUrl,
      '--concurrency',
      String(CONCURRENCY),
    ];
    const [brokerProcess, relayProcess, storingProcess] = [
      await spawnBundle(
        'broker',
        bundles.broker,
        [],
        {
          REDIS_URL: redis.url,
          MULTIVAC_TRIGGERS_FILE: table,
          MULTIVAC_STREAM: 'bench:events',
          MULTIVAC_BROKER_HOST: '127.0.0.1',
          MULTIVAC_CONSUMER_NAME: 'bench',
          MULTIVAC_DELIVERY_CONCURRENCY: String(CONCURRENCY),
          PORT: String(brokerPort),
          LOG_LEVEL: 'warn',
        },
        dir,
        brokerPort,
      ),
      await spawnBundle('relay', bundles.relay, relayArgs(relayPort), {}, dir, relayPort),
      await spawnBundle(
        'relay-redis',
        bundles.relay,
        [...relayArgs(storingPort), '--redis', redis.url],
        {},
        dir,
        storingPort,
      ),
    ];
    children.push(brokerProcess, relayProcess, storingProcess);
    const pool = (port: number) =>
      new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY });
    const [broker, relay, storing] = [pool(brokerPort), pool(relayPort), pool(storingPort)];
    pools.push(broker, relay, storing);

    await throughIngress(broker, sink, warmup, 1, 'warm');
    await throughIngress(relay, sink, warmup, 1, 'relay-warm');
    await throughIngress(storing, sink, warmup, 1, 'storing-warm');
    await rawStreams(redis.url, warmup, 'bench:raw-warm');
    const onRedis = { redis: redis.process?.pid };
    const via =
      (pool: Pool, pid: number, name: string) =>
      (count: number, perRequest: number, prefix: string, perSecond?: number) =>
        withCpu({ ...onRedis, process: pid }, () =>
          throughIngress(pool, sink, count, perRequest, `${name}-${prefix}`, perSecond),
        );
    const viaBroker = via(broker, brokerProcess.pid, 'broker');
    const viaRelay = via(relay, relayProcess.pid, 'relay');
    const viaStoring = via(storing, storingProcess.pid, 'storing');
    // The paths take turns (interleaved), so that whatever else the machine does weighs on all.
    const single = await interleaved(
      {
        broker: (count, slice) => viaBroker(count, 1, `single-${slice}`),
        relay: (count, slice) => viaRelay(count, 1, `single-${slice}`),
        storing: (count, slice) => viaStoring(count, 1, `single-${slice}`),
        raw: (count, slice) =>
          withCpu(onRedis, () => rawStreams(redis.url, count, `bench:raw-${slice}`)),
      },
      events,
      slices,
    );
    await throughIngress(broker, sink, warmup, BATCH, 'warm-batch');
    await throughIngress(relay, sink, warmup, BATCH, 'relay-warm-batch');
    const batched = await interleaved(
      {
        broker: (count, slice) => viaBroker(count, BATCH, `batch-${slice}`),
        relay: (count, slice) => viaRelay(count, BATCH, `batch-${slice}`),
      },
      events,
      slices,
    );
    const steady = await viaBroker(pacedEvents, 1, 'paced', PACE);
    const relaySteady = await viaRelay(pacedEvents, 1, 'paced', PACE);
    const rawSteady = await withCpu(onRedis, () =>
      rawStreams(redis.url, pacedEvents, 'bench:raw-paced', PACE),
    );

    return report({
      single: single.broker,
      batched: batched.broker,
      relaySingle: single.relay,
      storingSingle: single.storing,
      relayBatched: batched.relay,
      raw: single.raw,
      steady,
      relaySteady,
      rawSteady,
    });
  } finally {
    await Promise.all(pools.map((p) => p.close()));
    await Promise.all(children.map((c) => c.stop()));
    await new Promise<void>((ok) => sink.server.close(() => ok()));
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
};

interface Runs {
  single: Measured;
  batched: Measured;
  relaySingle: Measured;
  /** The relay with the broker's Redis work on the way (relay-streams.ts). */
  storingSingle: Measured;
  relayBatched: Measured;
  raw: Measured;
  steady: Measured;
  relaySteady: Measured;
  rawSteady: Measured;
}

function report(m: Runs) {
  const rate = (x: Measured) => x.events / x.seconds;
  const p = (x: Measured, q: number) => percentile(x.latenciesMs, q);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const cpu = (x: Measured) =>
    x.cpuSeconds === undefined ? '–' : `${Math.round((x.cpuSeconds * 1e6) / x.events)} µs`;
  const throughput = (what: string, broker: Measured, floor: Measured) => [
    {
      measurement: `events/s, ${what}`,
      value: fmt(rate(broker)),
      baseline: `${fmt(rate(m.raw))} raw streams`,
      ratio: ratio(rate(broker), rate(m.raw)),
    },
    {
      measurement: `events/s, ${what}, vs the floor`,
      value: fmt(rate(broker)),
      baseline: `${fmt(rate(floor))} two HTTP hops`,
      ratio: ratio(rate(broker), rate(floor)),
    },
  ];
  const latency = (q: number) => ({
    measurement: `delivery p${q} at ${PACE}/s`,
    value: ms(p(m.steady, q)),
    baseline: `${ms(p(m.relaySteady, q))} two HTTP hops`,
    ratio: ratio(p(m.steady, q), p(m.relaySteady, q)),
  });
  return {
    name: 'broker',
    rows: [
      row('broker, 1 event per request', m.single),
      row('two HTTP hops, 1 event per request', m.relaySingle),
      row("two HTTP hops + the broker's Redis work, 1 per request", m.storingSingle),
      row(`broker, ${BATCH} events per request`, m.batched),
      row(`two HTTP hops, ${BATCH} events per request`, m.relayBatched),
      row('raw XADD/XREADGROUP/XACK', m.raw),
      row(`broker, paced at ${PACE}/s`, m.steady),
      row(`two HTTP hops, paced at ${PACE}/s`, m.relaySteady),
      row(`raw, paced at ${PACE}/s`, m.rawSteady),
    ],
    summary: [
      ...throughput('1 event per request', m.single, m.relaySingle),
      {
        measurement: "events/s, 1 event per request, the broker's Redis work alone",
        value: fmt(rate(m.storingSingle)),
        baseline: `${fmt(rate(m.relaySingle))} two HTTP hops`,
        ratio: ratio(rate(m.storingSingle), rate(m.relaySingle)),
      },
      ...throughput(`${BATCH} events per request`, m.batched, m.relayBatched),
      latency(50),
      latency(99),
    ],
    notes: [
      `throughput vs raw streams: ${ratio(rate(m.single), rate(m.raw))} (1 per request), ${ratio(rate(m.batched), rate(m.raw))} (batches of ${BATCH}); goal ≥ 0.3× at 1 per request`,
      `throughput vs two HTTP hops without Redis: ${ratio(rate(m.single), rate(m.relaySingle))} (1 per request), ${ratio(rate(m.batched), rate(m.relayBatched))} (batches of ${BATCH}); goal ≥ 0.8× at 1 per request`,
      `latency at ${PACE} events/s (no backlog): broker p50 ${ms(p(m.steady, 50))}, p99 ${ms(p(m.steady, 99))} (goal p99 ≤ 10 ms); two hops p99 ${ms(p(m.relaySteady, 99))}; raw p99 ${ms(p(m.rawSteady, 99))}`,
      `the two hops with the broker's Redis work and nothing else (its append script, reads and acknowledgements; no validation, routing, retries or metrics): ${ratio(rate(m.storingSingle), rate(m.relaySingle))} the floor at 1 per request, so the broker's own work takes it from there to ${ratio(rate(m.single), rate(m.relaySingle))}`,
      `CPU per event (the process's own time): ${cpu(m.single)} broker vs ${cpu(m.relaySingle)} two hops (${cpu(m.storingSingle)} with the Redis work) at 1 per request, ${cpu(m.batched)} vs ${cpu(m.relayBatched)} in batches`,
      'at full speed those latencies include time queued: in the stream where the publishers outrun the deliveries (batches), in the relay’s memory where they outrun its forwarding',
      `${CONCURRENCY} requests (or XADDs) in flight, ${CONCURRENCY} parallel deliveries; five triggers, one of which takes the events (as production has five, each taking one type); latency = publish call to arrival at the subscriber (raw: XADD call to XREADGROUP reply); broker, relay, subscriber, publishers and Redis share this machine`,
    ],
  };
}
