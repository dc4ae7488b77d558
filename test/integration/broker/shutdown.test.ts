import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../../shared/redis/index';
import { servers, uniquePrefix } from '../../support/isolation';
import {
  cloudEvent,
  publish,
  startBrokerProcess,
  startSubscriber,
  waitFor,
  type BrokerUnderTest,
  type Subscriber,
} from './support';

/** SIGTERM: the broker stops reading, finishes what is in flight, and leaves its groups alone. */
let broker: BrokerUnderTest;
let subscriber: Subscriber;
const handle = createRedis(servers().redisUrl);
let redis: Redis;

beforeAll(async () => {
  redis = await handle.client();
  subscriber = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-shutdown'),
    triggers: [{ name: 'slow-subscriber', subscriber: subscriber.url }],
  });
});
afterAll(async () => {
  await broker?.dispose();
  await subscriber?.close();
  await handle.quit();
});

describe('graceful shutdown', () => {
  it('finishes deliveries in flight, acknowledges them, and keeps the group', async () => {
    subscriber.answer(() => ({ status: 204, delayMs: 700 }));
    const events = ['g1', 'g2', 'g3'].map((id) => cloudEvent(id, 'test.slow'));
    expect(await publish(broker.ingress, events)).toBe(202);
    await waitFor('three deliveries in flight', () => subscriber.received.length === 3);

    expect(await broker.stop()).toBe(0);
    const { stream } = broker.keys.of('slow-subscriber');
    const [pendingCount] = (await redis.call('XPENDING', stream, 'slow-subscriber')) as [number];
    expect(pendingCount).toBe(0); // each finished and was acknowledged before the exit
    const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
    expect(groups.map((g) => g[g.indexOf('name') + 1])).toEqual(['slow-subscriber']);
    expect(subscriber.received).toHaveLength(3); // and none was delivered twice
    const logs = await broker.logs();
    expect(logs).toContain('finishing deliveries in flight');
    expect(logs).toContain('broker stopped');

    // Restarted, it carries on from where the group was.
    await broker.restart();
    expect(await publish(broker.ingress, [cloudEvent('g4', 'test.slow')])).toBe(202);
    await waitFor('the next event', () => subscriber.received.length === 4);
    await broker.settled();
  });

  it('creates a group again that was deleted from outside, and delivers what comes after', async () => {
    const { stream } = broker.keys.of('slow-subscriber');
    await redis.call('XGROUP', 'DESTROY', stream, 'slow-subscriber');
    await waitFor('the group again', async () =>
      (await broker.logs()).includes('the consumer group was deleted from outside'),
    );
    expect(await publish(broker.ingress, [cloudEvent('g5', 'test.slow')])).toBe(202);
    await waitFor('the event after', () => subscriber.attemptsOf('g5').length === 1);
  });
});
