import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisService } from '../../../tools/services/index';
import {
  cloudEvent,
  publish,
  startBrokerProcess,
  startSubscriber,
  waitFor,
  type BrokerUnderTest,
  type Subscriber,
} from './support';

/**
 * Redis loses its data under a running broker (FLUSHALL: what a restart without persistence or a
 * failover to an empty replica does). The ingress must not append where no group reads — it
 * answers 503 until every stream and group exists again, groups made again read from the
 * stream's start — so every event accepted after the loss is delivered, and a sender whose
 * request was refused gets its retry accepted and delivered rather than taken for a duplicate.
 * This file runs its own redis-server, since it flushes it.
 */
let dir: string;
let redis: RedisService;
let client: Redis;
let broker: BrokerUnderTest;
const subs: Record<'typed' | 'everything', Subscriber> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-broker-loss-'));
  redis = await startRedis({ dataDir: dir, env: { PATH: process.env.PATH } });
  client = new Redis(redis.url);
  subs.typed = await startSubscriber();
  subs.everything = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: redis.url,
    stream: 'multivac:events',
    triggers: [
      {
        name: 'typed',
        filter: { type: 'test.loss' },
        subscriber: subs.typed.url,
        timeout: 'PT30S',
      },
      { name: 'everything', subscriber: subs.everything.url, timeout: 'PT30S' },
    ],
    // One delivery at a time, and no pending-list scan within the test: while the blockers are
    // in flight nothing reads the streams (once the reads waiting in Redis ended), so the ingress
    // is the first to meet the loss.
    env: { MULTIVAC_DELIVERY_CONCURRENCY: '1', MULTIVAC_RETRY_SCAN_MS: '600000' },
  });
});
afterAll(async () => {
  await broker?.dispose();
  await Promise.all(Object.values(subs).map((s) => s.close()));
  client?.disconnect();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ids = (sub: Subscriber) => new Set(sub.received.map((r) => r.id));
/** Dispatchers' blocking reads waiting in Redis now. */
const blockedReads = async () =>
  Number(/\r\nblocked_clients:(\d+)/.exec(await client.info('clients'))?.[1]);

describe('Redis losing its data under a running broker', () => {
  it('delivers every event accepted after the loss, and a refused sender’s retry', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    for (const sub of Object.values(subs)) {
      sub.answer((r) => (r.id === 'blocker' ? { status: 204, after: released } : 204));
    }
    expect(await publish(broker.ingress, [cloudEvent('before', 'test.loss')])).toBe(202);
    await waitFor('the first event', () => Object.values(subs).every((s) => ids(s).has('before')));
    expect(await publish(broker.ingress, [cloudEvent('blocker', 'test.loss')])).toBe(202);
    await waitFor('both triggers busy', () =>
      Object.values(subs).every((s) => ids(s).has('blocker')),
    );
    // The ingress read both events for the dispatchers, whose own blocking reads were still
    // waiting in Redis; with every slot busy they end within their block time and are not
    // issued again. Until then a read would meet the loss before the ingress does.
    await waitFor('no read waiting in Redis', async () => (await blockedReads()) === 0);

    const statuses: number[] = [];
    let markersAfterFirstTry: string[] | undefined;
    try {
      await client.flushall();
      // The sender retries as long as it is refused (as told: Retry-After). Its first try, the
      // first request after the loss, must be refused, and leave nothing behind.
      const retried = cloudEvent('retried', 'test.loss');
      while (statuses.at(-1) !== 202) {
        expect(statuses.length).toBeLessThan(200);
        if (statuses.length) await new Promise((resolve) => setTimeout(resolve, 50));
        statuses.push(await publish(broker.ingress, [retried]));
        markersAfterFirstTry ??= await client.keys('*:dedup:*');
      }
      const after = [
        cloudEvent('after-1', 'test.loss'),
        cloudEvent('after-2', 'test.loss'),
        cloudEvent('after-3', 'test.other'),
      ];
      expect(await publish(broker.ingress, after)).toBe(202);
    } finally {
      release(); // the blockers end, whatever happened
    }

    const typed = ['retried', 'after-1', 'after-2'];
    await waitFor(
      'every event accepted after the loss',
      () =>
        [...typed, 'after-3'].every((id) => ids(subs.everything).has(id)) &&
        typed.every((id) => ids(subs.typed).has(id)),
    );
    await broker.settled();
    expect(ids(subs.typed).has('after-3')).toBe(false);
    expect(await broker.deadLetters()).toEqual([]);
    expect(statuses[0]).toBe(503);
    expect(markersAfterFirstTry).toEqual([]);
    expect(await broker.logs()).toContain('a stream or consumer group is gone');
  });

  it('delivers what was appended while a group was missing: groups come back from the start', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    subs.everything.answer((r) => (r.id === 'blocker-2' ? { status: 204, after: released } : 204));
    expect(await publish(broker.ingress, [cloudEvent('blocker-2', 'test.other')])).toBe(202);
    await waitFor('the trigger busy', () => ids(subs.everything).has('blocker-2'));
    // As above: the busy trigger's read waiting in Redis ends within its block time; the idle
    // trigger's goes on waiting (on its own stream).
    await waitFor(
      'only the idle trigger’s read waiting in Redis',
      async () => (await blockedReads()) === 1,
    );
    try {
      // The stream stays, its group goes: the ingress still appends, and nobody reads yet.
      await client.call('XGROUP', 'DESTROY', broker.keys.of('everything').stream, 'everything');
      expect(await publish(broker.ingress, [cloudEvent('orphan', 'test.other')])).toBe(202);
    } finally {
      release();
    }
    await waitFor('the event appended while the group was missing', () =>
      ids(subs.everything).has('orphan'),
    );
    await broker.settled();
  });
});
