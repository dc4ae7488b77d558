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

/** Events reach exactly the triggers whose filters match, once each; replies are routed too. */
let broker: BrokerUnderTest;
const subs: Record<string, Subscriber> = {};
const names = ['byType', 'byTypeAndSource', 'byExtension', 'everything', 'unmatched', 'replier'];

beforeAll(async () => {
  for (const name of [...names, 'replies']) subs[name] = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-routing'),
    triggers: [
      { name: 'by-type', filter: { type: 'test.a' }, subscriber: subs.byType!.url },
      {
        name: 'by-type-and-source',
        filter: { type: 'test.a', source: '/multivac/two' },
        subscriber: subs.byTypeAndSource!.url,
      },
      { name: 'by-extension', filter: { tenant: 'blue' }, subscriber: subs.byExtension!.url },
      { name: 'everything', subscriber: subs.everything!.url },
      { name: 'unmatched', filter: { type: 'test.none' }, subscriber: subs.unmatched!.url },
      { name: 'replier', filter: { type: 'test.ask' }, subscriber: subs.replier!.url },
      { name: 'replies', filter: { type: 'test.answer' }, subscriber: subs.replies!.url },
    ],
  });
});
afterAll(async () => {
  await broker?.dispose();
  await Promise.all(Object.values(subs).map((s) => s.close()));
});

const idsOf = (sub: Subscriber) => sub.received.map((r) => r.id).sort();

describe('routing', () => {
  it('delivers each event to exactly the triggers whose filters match, once', async () => {
    const events = [
      cloudEvent('a1', 'test.a'),
      cloudEvent('a2', 'test.a', { source: '/multivac/two' }),
      cloudEvent('a3', 'test.a', { source: '/multivac/two', tenant: 'blue' }),
      cloudEvent('c1', 'test.c'),
      cloudEvent('c2', 'test.c', { tenant: 'blue' }),
      cloudEvent('c3', 'test.c', { tenant: 'green' }),
    ];
    // One in binary mode, the rest as a batch: both go through the same routing.
    expect(await publish(broker.ingress, events.slice(0, 1))).toBe(202);
    expect(await publish(broker.ingress, events.slice(1))).toBe(202);
    await waitFor('all deliveries', () => subs.everything!.received.length >= 6);
    await broker.settled();

    expect(idsOf(subs.byType!)).toEqual(['a1', 'a2', 'a3']);
    expect(idsOf(subs.byTypeAndSource!)).toEqual(['a2', 'a3']);
    expect(idsOf(subs.byExtension!)).toEqual(['a3', 'c2']);
    expect(idsOf(subs.everything!)).toEqual(['a1', 'a2', 'a3', 'c1', 'c2', 'c3']);
    expect(idsOf(subs.unmatched!)).toEqual([]);
    expect(await broker.metric('multivac_broker_delivered_total', 'trigger="everything"')).toBe(6);
  });

  it('delivers in binary mode, with the attributes as published', async () => {
    const [request] = subs.byExtension!.attemptsOf('c2');
    expect(request!.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': 'c2',
      'ce-source': '/multivac/test',
      'ce-type': 'test.c',
      'ce-tenant': 'blue',
      'content-type': 'application/json',
      prefer: 'reply',
    });
    expect(JSON.parse(request!.body)).toEqual({ n: 'c2' });
  });

  it('publishes a 200 reply back into the broker, where its own trigger routes it', async () => {
    subs.replier!.answer((request) => ({
      status: 200,
      headers: {
        'ce-specversion': '1.0',
        'ce-id': `answer-to-${request.id}`,
        'ce-source': '/multivac/replier',
        'ce-type': 'test.answer',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ to: request.id }),
    }));
    expect(await publish(broker.ingress, [cloudEvent('q1', 'test.ask')])).toBe(202);
    await waitFor('the reply', () => subs.replies!.received.length >= 1);
    await broker.settled();
    expect(subs.replies!.received.map((r) => [r.id, r.source, JSON.parse(r.body)])).toEqual([
      ['answer-to-q1', '/multivac/replier', { to: 'q1' }],
    ]);
    expect(idsOf(subs.everything!)).toContain('answer-to-q1');
  });

  it('answers a duplicate (same source and id) 202 and does not deliver it again', async () => {
    const event = cloudEvent('dup1', 'test.a');
    expect(await publish(broker.ingress, [event])).toBe(202);
    expect(await publish(broker.ingress, [event])).toBe(202);
    // A batch mixing the duplicate with a new event: the new one alone is appended.
    expect(await publish(broker.ingress, [event, cloudEvent('dup2', 'test.a')])).toBe(202);
    // The same id from another source is another event.
    expect(
      await publish(broker.ingress, [cloudEvent('dup1', 'test.a', { source: '/multivac/two' })]),
    ).toBe(202);
    await waitFor('the new events', () => subs.byType!.attemptsOf('dup2').length === 1);
    await broker.settled();
    expect(
      subs
        .byType!.attemptsOf('dup1')
        .map((r) => r.source)
        .sort(),
    ).toEqual(['/multivac/test', '/multivac/two']);
    expect(await broker.metric('multivac_broker_duplicates_total')).toBe(2);
  });
});
