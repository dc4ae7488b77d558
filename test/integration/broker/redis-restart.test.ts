import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * Redis going away and coming back (same port, same AOF): the ingress answers 503 meanwhile,
 * and the broker carries on by itself afterwards without losing what Redis had accepted.
 * This file runs its own redis-server, since it stops it.
 */
let dir: string;
let redis: RedisService;
let broker: BrokerUnderTest;
let subscriber: Subscriber;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-broker-redis-'));
  redis = await startRedis({ dataDir: dir, env: { PATH: process.env.PATH } });
  subscriber = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: redis.url,
    stream: 'multivac:events',
    triggers: [{ name: 'all', subscriber: subscriber.url, retry: 20, backoffPolicy: 'linear' }],
  });
});
afterAll(async () => {
  await broker?.dispose();
  await subscriber?.close();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a Redis restart', () => {
  it('is waited out: 503 while it is down, everything delivered after', async () => {
    subscriber.answer(() => ({ status: 204, delayMs: 200 }));
    const before = Array.from({ length: 10 }, (_, i) => cloudEvent(`r${i}`, 'test.redis'));
    expect(await publish(broker.ingress, before)).toBe(202);
    await waitFor('deliveries under way', () => subscriber.received.length > 0);

    await redis.stop(); // SIGTERM: Redis writes its AOF and exits
    expect(await publish(broker.ingress, [cloudEvent('during', 'test.redis')])).toBe(503);

    redis = await startRedis({ dataDir: dir, port: redis.port!, env: { PATH: process.env.PATH } });
    const after = Array.from({ length: 10 }, (_, i) => cloudEvent(`a${i}`, 'test.redis'));
    await waitFor('the ingress to take events again', async () => {
      return (await publish(broker.ingress, after)) === 202;
    });
    const expected = [...before, ...after].map((e) => e.id);
    await waitFor('every event', () =>
      expected.every((id) => subscriber.attemptsOf(id).length > 0),
    );
    await broker.settled();
    expect(await broker.deadLetters()).toEqual([]);
  });
});
