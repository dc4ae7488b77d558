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

/** Batch ingress is all-or-nothing: a refused batch leaves no entry and no duplicate marker. */
let broker: BrokerUnderTest;
let subscriber: Subscriber;
const handle = createRedis(servers().redisUrl);
let redis: Redis;

beforeAll(async () => {
  redis = await handle.client();
  subscriber = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-batch'),
    triggers: [{ name: 'all', subscriber: subscriber.url }],
    env: { MULTIVAC_MAX_EVENT_BYTES: '2048', MULTIVAC_BODY_LIMIT_BYTES: '16384' },
  });
});
afterAll(async () => {
  await broker?.dispose();
  await subscriber?.close();
  await handle.quit();
});

/** How many entries were ever appended to the trigger's stream (trimming does not change it). */
async function entriesAdded(): Promise<number> {
  const info = (await redis.call('XINFO', 'STREAM', broker.keys.of('all').stream)) as unknown[];
  const flat = Array.isArray(info[0]) ? (info as unknown[][]).flat() : info;
  return Number(flat[flat.indexOf('entries-added') + 1]);
}

const post = (body: unknown) =>
  fetch(`${broker.ingress}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(body),
  });

describe('batch ingress', () => {
  it.each([
    [
      'an invalid event',
      [
        cloudEvent('x1', 'test.b'),
        cloudEvent('x2', 'test.b'),
        { ...cloudEvent('x3', 't'), id: '' },
      ],
      400,
    ],
    [
      'an event over the per-event limit',
      [cloudEvent('x1', 'test.b'), cloudEvent('x2', 'test.b', { data: 'x'.repeat(3000) })],
      413,
    ],
    [
      'more than the request limit',
      Array.from({ length: 20 }, (_, i) =>
        cloudEvent(`x${i}`, 'test.b', { data: 'y'.repeat(1000) }),
      ),
      413,
    ],
    ['something that is no array', cloudEvent('x1', 'test.b'), 400],
  ])('refuses a batch with %s and stores none of it', async (_name, body, status) => {
    const before = await entriesAdded();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await entriesAdded()).toBe(before);
  });

  it('stores a whole valid batch, and the refused events were never marked as seen', async () => {
    const before = await entriesAdded();
    const ids = ['x1', 'x2', 'x3', 'x4'];
    expect(
      await publish(
        broker.ingress,
        ids.map((id) => cloudEvent(id, 'test.b')),
      ),
    ).toBe(202);
    expect(await entriesAdded()).toBe(before + 4);
    await waitFor('the batch', () => subscriber.received.length === 4);
    await broker.settled();
    expect(subscriber.received.map((r) => r.id).sort()).toEqual(ids);
  });
});
