/**
 * Malformed CloudEvents (and hostile HTTP) at the CloudEvent functions — acquire and learn, served
 * through the Functions Framework as in their containers — and at the broker's ingress (its own
 * process, on the real Redis): a clear 4xx for every malformed event, never a crash; the broker
 * takes every well-formed event (202) and stores nothing for a refused request.
 */
import { Agent } from 'node:http';
import { cloudEvent } from '@google-cloud/functions-framework';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireFunction } from '../../functions/acquire/function';
import { learnFunction } from '../../functions/learn/function';
import { createStore, type Store } from '../../shared/store/index';
import {
  startBrokerProcess,
  startSubscriber,
  type BrokerUnderTest,
  type Subscriber,
} from '../integration/broker/support';
import { serveFunction, type RunningTestFunction } from '../support/function-server';
import { servers, uniqueDbName, uniquePrefix } from '../support/isolation';
import { startEventSink, type EventSink } from '../support/sink';
import { eventCase, type EventCase } from './support/events';
import { SEED, check, describeRequest, hostileRequest, send, verdict } from './support/hostile';

const RUNS = { acquire: 1_000, learn: 1_000, broker: 1_500 };

const dbName = uniqueDbName('fuzzce');
const prefix = uniquePrefix('fuzzce').replaceAll(':', '.');
let sink: EventSink;
let store: Store;
let db: Db;
let broker: BrokerUnderTest;
let subscriber: Subscriber;
let redis: Redis;
const fns: Record<string, RunningTestFunction> = {};
const tallies: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  sink = await startEventSink();
  const env = {
    REDIS_URL: servers().redisUrl,
    MONGODB_URI: servers().mongoUri,
    MONGODB_DB: dbName,
    K_SINK: sink.url,
    LOG_LEVEL: 'silent',
    MULTIVAC_CACHE_PREFIX: prefix,
  };
  cloudEvent('acquire', acquireFunction(env));
  cloudEvent('learn', learnFunction(env));
  fns.acquire = await serveFunction('acquire', 'cloudevent');
  fns.learn = await serveFunction('learn', 'cloudevent');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();

  subscriber = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: `${prefix}:events`,
    triggers: [{ name: 'everything', subscriber: subscriber.url }],
    // No trimming during the run, so the trigger's stream's length counts every accepted event.
    env: { LOG_LEVEL: 'warn', MULTIVAC_TRIM_INTERVAL_MS: '3600000' },
  });
  redis = new Redis(servers().redisUrl);
});

afterAll(async () => {
  for (const fn of Object.values(fns)) await fn.close();
  await broker?.dispose();
  await subscriber?.close();
  await sink?.close();
  await db?.dropDatabase().catch(() => {});
  await store?.close();
  redis?.disconnect();
  console.log(`CloudEvent fuzzing, answers by kind: ${JSON.stringify(tallies, null, 1)}`);
});

/** Malformed events half of the time, hostile HTTP of any shape the other half. */
const anyCase = fc.oneof(
  eventCase,
  hostileRequest(['/']).map((request): EventCase => ({ kind: 'hostile HTTP', request })),
);

function count(target: string, kind: string, status: number | string | undefined) {
  const t = (tallies[target] ??= {});
  const key = `${kind.replace(/ ".*"| \S+$/, '')} → ${status}`;
  t[key] = (t[key] ?? 0) + 1;
}

describe('malformed CloudEvents', () => {
  it.each(['acquire', 'learn'])(
    '%s: refuses every malformed event with a 4xx and never crashes',
    async (name) => {
      const fn = fns[name]!;
      const agent = new Agent({ keepAlive: false });
      await check(
        fc.asyncProperty(anyCase, async (c) => {
          const outcome = await send(fn.url, c.request, agent);
          count(name, c.kind, outcome.status ?? outcome.error);
          const where = `\ncase: ${c.kind}\nrequest: ${describeRequest(c.request)}`;
          if (outcome.status === undefined) {
            const problem = verdict(c.request, outcome);
            if (problem) throw new Error(`${problem}${where}`);
            return;
          }
          if (c.functionRefuses && (outcome.status < 400 || outcome.status >= 500))
            throw new Error(
              `a malformed event was answered ${outcome.status}: ${outcome.body.toString().slice(0, 300)}${where}`,
            );
          // A well-formed event may fail inside the handler (a 500 asks the broker to retry);
          // anything else must not be a 5xx.
          if (c.functionRefuses !== false && c.kind !== 'hostile HTTP' && outcome.status >= 500)
            throw new Error(`answered ${outcome.status}${where}`);
          if (c.kind === 'hostile HTTP' && outcome.status >= 500)
            throw new Error(`answered ${outcome.status}${where}`);
        }),
        // Each function its own sequence of cases.
        { numRuns: RUNS[name as 'acquire' | 'learn'], seed: SEED + (name === 'learn' ? 1 : 0) },
      );
      agent.destroy();
      expect((await fetch(`${fn.url}/healthz`)).status).toBe(200);
    },
  );

  it('the broker ingress: 4xx and nothing stored for malformed input, 202 for events', async () => {
    const agent = new Agent({ keepAlive: false });
    const length = () => redis.xlen(broker.keys.of('everything').stream);
    await check(
      fc.asyncProperty(anyCase, async (c) => {
        const before = await length();
        const outcome = await send(broker.ingress, c.request, agent);
        count('broker', c.kind, outcome.status ?? outcome.error);
        const after = await length();
        const where = `\ncase: ${c.kind}\nrequest: ${describeRequest(c.request)}`;
        const problem = verdict(c.request, outcome);
        if (problem) throw new Error(`${problem}${where}`);
        if (outcome.status === undefined) return;
        if (c.brokerRefuses === true && outcome.status < 400)
          throw new Error(`a malformed event was answered ${outcome.status}${where}`);
        if (c.brokerRefuses === false && outcome.status !== 202)
          throw new Error(
            `a well-formed event was answered ${outcome.status}: ${outcome.body.toString().slice(0, 300)}${where}`,
          );
        if (outcome.status >= 400 && after !== before)
          throw new Error(`a refused request added ${after - before} entries${where}`);
      }),
      { numRuns: RUNS.broker },
    );
    agent.destroy();
    expect((await fetch(`${broker.ingress}/readyz`)).status).toBe(200);
    // Everything it took was delivered: the dispatcher survived the run too.
    await broker.settled(60_000);
    expect((await broker.stats()).deadLetters).toBe(0);
  });
});
