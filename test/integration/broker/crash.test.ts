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
  it('delivers every event of a burst at least once after a restart, those in flight at the kill too', async () => {
    // Answered after 2 ms, except while the kill is prepared: then deliveries hang, so that the
    // ones the broker has sent are certainly unanswered, in flight, when it dies.
    let frozen = false;
    subscriber.answer(() => (frozen ? 'hang' : { status: 204, delayMs: 2 }));
    // 500 events one by one in binary mode, 500 in batches of 10: 550 requests, 8 at a time.
    const requests: ReturnType<typeof cloudEvent>[][] = [];
    for (let i = 0; i < BURST;) {
      const size = i < BURST / 2 ? 1 : 10;
      requests.push(Array.from({ length: size }, (_, k) => cloudEvent(`b${i + k}`, 'test.burst')));
      i += size;
    }
    const answered = () =>
      new Set(
        subscriber.received.filter((r) => !subscriber.inFlight().includes(r)).map((r) => r.id),
      ).size;
    let accepted = 0;
    let acceptedAtKill = -1;
    let answeredAtKill = -1;
    let inFlightAtKill: string[] = [];
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const kill = async () => {
      frozen = true;
      await waitFor('a delivery in flight', () => subscriber.inFlight().length > 0, 10_000);
      acceptedAtKill = accepted;
      answeredAtKill = answered();
      inFlightAtKill = subscriber.inFlight().map((r) => r.id);
      killedAt = performance.now();
      await broker.kill();
      frozen = false;
      await broker.restart();
    };
    const worker = async () => {
      for (let request = requests.shift(); request; request = requests.shift()) {
        await publishSurely(request);
        accepted += request.length;
        if (accepted >= 300 && !killing) killing = kill();
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
      `broker crash test: killed with ${inFlightAtKill.length} deliveries in flight, after ${acceptedAtKill} of ${BURST} events were accepted and ${answeredAtKill} answered; ` +
        `published ${accepted}, delivered ${unique} distinct (${subscriber.received.length} deliveries, ${duplicates} duplicates), dead-lettered ${deadLettered}`,
    );
    // The kill came while deliveries were in flight, and with accepted events not yet delivered…
    expect(inFlightAtKill.length).toBeGreaterThan(0);
    expect(answeredAtKill).toBeLessThan(acceptedAtKill);
    // …and each delivery cut off by it was made again by the restarted broker.
    for (const id of new Set(inFlightAtKill)) {
      expect(
        subscriber.attemptsOf(id).some((r) => r.at > killedAt),
        `${id} delivered again after the kill`,
      ).toBe(true);
    }
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
