import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../../functions/broker/format';
import { brokerKeys } from '../../../functions/broker/keys';
import { brokerMetrics } from '../../../functions/broker/metrics';
import type { StreamEntry } from '../../../functions/broker/entry';
import {
  StreamLostError,
  createPublisher,
  prepare,
  type IngressClaims,
} from '../../../functions/broker/publish';
import { routeFor } from '../../../functions/broker/route';
import { ensureGroup, pending, readGroup, type RawEntry } from '../../../functions/broker/streams';
import { createMetrics } from '../../../shared/metrics/index';
import { createRedis } from '../../../shared/redis/index';
import { servers, uniquePrefix } from '../../support/isolation';

/**
 * The ingress's append against real Redis: each event goes to the streams of the triggers whose
 * filters match, requests that arrive together share one script call yet keep their own results,
 * duplicates are per (event, trigger), a missing stream refuses the whole call, writing nothing,
 * and the same call reads new entries for this instance's dispatchers as far as they ask.
 */
const sent: string[] = [];
const handle = createRedis(servers().redisUrl, { onCommand: (name) => sent.push(name) });
let redis: Redis;
const keys = brokerKeys(uniquePrefix('broker-publish'));
const table: { name: string; filter: Record<string, string> }[] = [
  { name: 'typed', filter: { type: 'test.a' } },
  { name: 'everything', filter: {} },
];
const lost: string[] = [];
const publish = createPublisher({
  redis: () => handle.client(),
  triggers: table.map((t) => keys.of(t.name)),
  route: routeFor(table),
  dedupTtlSeconds: 60,
  onLost: (stream) => lost.push(stream),
  metrics: brokerMetrics(createMetrics('broker-publish-test')),
});

const event = (id: string, type = 'test.a') =>
  prepare(validateEvent({ specversion: '1.0', id, source: '/multivac/test', type }), 4096);
const ids = async (trigger: string) =>
  ((await redis.xrange(keys.of(trigger).stream, '-', '+')) as [string, string[]][]).map(
    ([, fields]) => (JSON.parse(fields[1]!) as { id: string }).id,
  );

beforeAll(async () => {
  redis = await handle.client();
  for (const t of table) await ensureGroup(redis, keys.of(t.name).stream, t.name);
});
afterAll(() => handle.quit());

describe('publishing', () => {
  it('shares one script call among requests that arrive together, each with its own result', async () => {
    sent.length = 0;
    const results = await Promise.all([
      publish([event('a1'), event('b1', 'test.b')]),
      publish([event('a2')]),
      publish([event('a1')]), // the same event as in the first request: a duplicate
      publish([event('c1', 'test.c'), event('a3')]),
    ]);
    expect(sent.filter((name) => name === 'evalsha')).toHaveLength(1);
    expect(results).toEqual([
      { appended: [1, 2], duplicates: 0, unrouted: 0 },
      { appended: [1, 1], duplicates: 0, unrouted: 0 },
      { appended: [0, 0], duplicates: 1, unrouted: 0 },
      { appended: [1, 2], duplicates: 0, unrouted: 0 },
    ]);
    expect(await ids('typed')).toEqual(['a1', 'a2', 'a3']);
    expect(await ids('everything')).toEqual(['a1', 'b1', 'a2', 'c1', 'a3']);
  });

  it('stores nothing of an event no trigger takes, without asking Redis', async () => {
    const only = createPublisher({
      redis: () => handle.client(),
      triggers: [keys.of('typed')],
      route: routeFor([table[0]!]),
      dedupTtlSeconds: 60,
      onLost: () => {},
      metrics: brokerMetrics(createMetrics('broker-publish-test-2')),
    });
    sent.length = 0;
    expect(await only([event('z1', 'test.z')])).toEqual({
      appended: [0],
      duplicates: 0,
      unrouted: 1,
    });
    expect(sent).toEqual([]);
  });

  it('refuses every request of a call when a target stream is gone, and writes nothing', async () => {
    await redis.del(keys.of('everything').stream);
    const attempts = await Promise.allSettled([
      publish([event('x1')]),
      publish([event('x2', 'test.b')]),
    ]);
    expect(attempts.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    for (const a of attempts)
      expect((a as PromiseRejectedResult).reason).toBeInstanceOf(StreamLostError);
    expect(lost).toEqual([keys.of('everything').stream]);
    expect(await ids('typed')).toEqual(['a1', 'a2', 'a3']);
    expect(await redis.keys(`${keys.base}:*:dedup:*/multivac/testx[12]`)).toEqual([]);
  });
});

describe('reading at the append', () => {
  const claimKeys = brokerKeys(uniquePrefix('broker-claims'));
  const claimTable: { name: string; filter: Record<string, string> }[] = [
    { name: 'typed', filter: { type: 'test.a' } },
    { name: 'everything', filter: {} },
  ];
  /** What each trigger may take per call, and what it was given. */
  const wants = [2, 0];
  const taken: { trigger: number; reserved: number; entries: (StreamEntry | RawEntry)[] }[] = [];
  const claims: IngressClaims = {
    consumer: 'here',
    reserve: (t) => wants[t]!,
    take: (trigger, reserved, entries) => taken.push({ trigger, reserved, entries: [...entries] }),
  };
  const claiming = createPublisher({
    redis: () => handle.client(),
    triggers: claimTable.map((t) => claimKeys.of(t.name)),
    route: routeFor(claimTable),
    dedupTtlSeconds: 60,
    onLost: () => {},
    metrics: brokerMetrics(createMetrics('broker-publish-test-3')),
    claims: () => claims,
  });
  const stream = (name: string) => claimKeys.of(name).stream;

  beforeAll(async () => {
    for (const t of claimTable) await ensureGroup(redis, stream(t.name), t.name);
  });

  it('hands its own entries over with their events, pending on this consumer, as many as asked', async () => {
    const events = [event('r1'), event('r2'), event('r3')];
    taken.length = 0;
    await Promise.all(events.map((e) => claiming([e])));
    expect(taken.map(({ trigger, reserved }) => [trigger, reserved])).toEqual([
      [0, 2],
      [1, 0],
    ]);
    const [typed, everything] = taken;
    // The events as the ingress validated them, not decoded again from Redis.
    expect(typed!.entries.map((e) => (e as StreamEntry).event)).toEqual(
      events.slice(0, 2).map((e) => e.event),
    );
    expect((typed!.entries[0] as StreamEntry).event).toBe(events[0]!.event);
    expect(everything!.entries).toEqual([]);
    const rows = await pending(redis, stream('typed'), 'typed', { minIdleMs: 0, count: 10 });
    expect(rows.map((r) => [r.id, r.consumer, r.deliveries])).toEqual(
      typed!.entries.map((e) => [(e as StreamEntry).id, 'here', 1]),
    );
    // What was not asked for stays new, for the dispatchers' own reads.
    const rest = await readGroup(redis, stream('typed'), 'typed', 'other', 10, 1);
    expect(rest.map(([, f]) => (JSON.parse(f![1]!) as { id: string }).id)).toEqual(['r3']);
    const untouched = await readGroup(redis, stream('everything'), 'everything', 'other', 10, 1);
    expect(untouched).toHaveLength(3);
  });

  it('reads entries appended elsewhere too, oldest first, as Redis holds them', async () => {
    const foreign = await redis.xadd(stream('typed'), '*', 'event', '{"id":"elsewhere"}');
    taken.length = 0;
    const own = event('r4');
    await claiming([own]);
    const typed = taken.find((t) => t.trigger === 0)!;
    expect(typed.entries).toEqual([
      [foreign, ['event', '{"id":"elsewhere"}']],
      { id: expect.any(String) as string, event: own.event },
    ]);
  });

  it('gives every reservation back when the call fails', async () => {
    await redis.del(stream('everything'));
    taken.length = 0;
    await expect(claiming([event('r5')])).rejects.toBeInstanceOf(StreamLostError);
    expect(taken.map(({ trigger, reserved, entries }) => [trigger, reserved, entries])).toEqual([
      [0, 2, []],
      [1, 0, []],
    ]);
  });
});
