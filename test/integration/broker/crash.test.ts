import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * `kill -9` of the broker in the middle of a burst, then a restart: every event is delivered at
 * least once, and published = delivered + dead-lettered. Entries a dead consumer left in flight
 * are taken over by another consumer after the visibility timeout.
 */
let broker: BrokerUnderTest;
let subscriber: Subscriber;
const BURST = 1000;

beforeAll(async () => {
  subscriber = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-crash'),
    triggers: [
      {
        name: 'burst',
        subscriber: subscriber.url,
        retry: 2,
        backoffDelay: 'PT0.1S',
        timeout: 'PT1S',
      },
    ],
    // Visibility timeout = 1 s timeout + 0.2 s longest backoff + this margin.
    env: { MULTIVAC_VISIBILITY_MARGIN_MS: '300' },
  });
});
afterAll(async () => {
  await broker?.dispose();
  await subscriber?.close();
});

/** Publishes until the broker answers 202 (it may be dead or restarting in between). */
async function publishSurely(events: ReturnType<typeof cloudEvent>[]): Promise<number> {
  for (let tries = 1; ; tries++) {
    const status = await publish(broker.ingress, events).catch(() => 0);
    if (status === 202) return tries;
    if (tries > 600) throw new Error(`publishing never succeeded (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a broker killed with SIGKILL', () => {
  it('delivers every event of a burst at least once after a restart', async () => {
    subscriber.answer(() => ({ status: 204, delayMs: 2 }));
    // 500 events one by one in binary mode, 500 in batches of 10: 550 requests, 8 at a time.
    const requests: ReturnType<typeof cloudEvent>[][] = [];
    for (let i = 0; i < BURST;) {
      const size = i < BURST / 2 ? 1 : 10;
      requests.push(Array.from({ length: size }, (_, k) => cloudEvent(`b${i + k}`, 'test.burst')));
      i += size;
    }
    let accepted = 0;
    let acceptedAtKill = -1;
    let deliveredAtKill = -1;
    let killing: Promise<void> | undefined;
    const worker = async () => {
      for (let request = requests.shift(); request; request = requests.shift()) {
        await publishSurely(request);
        accepted += request.length;
        if (accepted >= 300 && !killing) {
          acceptedAtKill = accepted;
          deliveredAtKill = subscriber.received.length;
          killing = broker.kill().then(() => broker.restart());
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await killing;

    await waitFor(
      'every event delivered',
      () => new Set(subscriber.received.map((r) => r.id)).size === BURST,
      60_000,
    );
    await broker.settled();
    const unique = new Set(subscriber.received.map((r) => r.id)).size;
    const deadLettered = (await broker.deadLetters()).length;
    const duplicates = subscriber.received.length - unique;
    console.log(
      `broker crash test: killed after ${acceptedAtKill} of ${BURST} events were accepted and ${deliveredAtKill} delivered; ` +
        `published ${accepted}, delivered ${unique} distinct (${subscriber.received.length} deliveries, ${duplicates} duplicates), dead-lettered ${deadLettered}`,
    );
    expect(acceptedAtKill).toBeLessThan(BURST); // the kill came in the middle of the burst
    expect(accepted).toBe(BURST);
    expect(unique).toBe(BURST);
    expect(accepted).toBe(unique + deadLettered);
  });

  it('lets another consumer take over what a dead one left in flight', async () => {
    const stuck = Array.from({ length: 5 }, (_, i) => cloudEvent(`s${i}`, 'test.stuck'));
    subscriber.answer((request, n) => (request.type === 'test.stuck' && n === 1 ? 'hang' : 204));
    expect(await publish(broker.ingress, stuck)).toBe(202);
    await waitFor('all five in flight', () =>
      stuck.every((e) => subscriber.attemptsOf(e.id).length === 1),
    );
    await broker.kill();
    // A new pod, a new name: the entries pending on the old consumer are nobody's now.
    await broker.restart({ MULTIVAC_CONSUMER_NAME: 'successor' });
    await waitFor(
      'the takeover',
      () => stuck.every((e) => subscriber.attemptsOf(e.id).length === 2),
      30_000,
    );
    await broker.settled();
    expect(await broker.metric('multivac_broker_reclaimed_total')).toBe(5);
    expect(await broker.deadLetters()).toEqual([]);
    const logs = await broker.logs();
    expect(logs).toContain('took over entries left pending by another consumer');
  });
});
