import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/services/index';
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

/** A subscriber that is down (connection refused) for a while: nothing is lost once it is back. */
let broker: BrokerUnderTest;
let subscriber: Subscriber | undefined;
let port: number;
const EVENTS = 40;

beforeAll(async () => {
  port = await freePort(); // nothing listens here until the test starts the subscriber
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-outage'),
    triggers: [
      {
        name: 'sometimes-down',
        subscriber: `http://127.0.0.1:${port}/`,
        retry: 30,
        backoffPolicy: 'linear',
        backoffDelay: 'PT0.1S',
      },
    ],
  });
});
afterAll(async () => {
  await broker?.dispose();
  await subscriber?.close();
});

describe('a subscriber that is down', () => {
  it('gets every event once it comes back', async () => {
    const ids = Array.from({ length: EVENTS }, (_, i) => `o${i}`);
    for (let i = 0; i < EVENTS; i += 10) {
      const batch = ids.slice(i, i + 10).map((id) => cloudEvent(id, 'test.outage'));
      expect(await publish(broker.ingress, batch)).toBe(202);
    }
    // Down long enough that every event failed at least twice.
    await waitFor(
      'every event to fail twice',
      async () => (await broker.metric('multivac_broker_retried_total')) >= 2 * EVENTS,
    );
    expect(await broker.metric('multivac_broker_delivered_total')).toBe(0);
    expect((await broker.logs()).includes('connection refused')).toBe(true);

    subscriber = await startSubscriber(port);
    await waitFor(
      'every event',
      () => new Set(subscriber!.received.map((r) => r.id)).size === EVENTS,
    );
    await broker.settled();
    expect(new Set(subscriber.received.map((r) => r.id))).toEqual(new Set(ids));
    expect(subscriber.received).toHaveLength(EVENTS); // refused attempts never reached it
    expect(await broker.deadLetters()).toEqual([]);
  });
});
