import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servers, uniquePrefix } from '../../support/isolation';
import {
  cloudEvent,
  publish,
  startBrokerProcess,
  startSubscriber,
  waitFor,
  type BrokerUnderTest,
  type DeadLetterView,
  type Subscriber,
} from './support';

/** Retries with backoff, dead letters, re-drive (admin API and `npm run deadletters`). */
let broker: BrokerUnderTest;
const subs: Record<string, Subscriber> = {};
const run = promisify(execFile);

beforeAll(async () => {
  for (const name of ['exp', 'linear', 'doomed', 'bystander', 'rejects', 'slow', 'down', 'sink'])
    subs[name] = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-retry'),
    triggers: [
      {
        name: 'flaky-exponential',
        filter: { type: 'test.flaky' },
        subscriber: subs.exp!.url,
        retry: 3,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT0.2S',
      },
      {
        name: 'flaky-linear',
        filter: { type: 'test.flaky' },
        subscriber: subs.linear!.url,
        retry: 4,
        backoffPolicy: 'linear',
        backoffDelay: 'PT0.15S',
      },
      {
        name: 'always-fails',
        filter: { type: 'test.doomed' },
        subscriber: subs.doomed!.url,
        retry: 2,
      },
      { name: 'bystander', filter: { type: 'test.doomed' }, subscriber: subs.bystander!.url },
      { name: 'rejects', filter: { type: 'test.bad' }, subscriber: subs.rejects!.url },
      {
        name: 'slow',
        filter: { type: 'test.slow' },
        subscriber: subs.slow!.url,
        timeout: 'PT0.3S',
        retry: 2,
      },
      {
        name: 'with-sink',
        filter: { type: 'test.sink' },
        subscriber: subs.down!.url,
        retry: 1,
        deadLetterSink: subs.sink!.url,
      },
    ],
  });
});
afterAll(async () => {
  await broker?.dispose();
  await Promise.all(Object.values(subs).map((s) => s.close()));
});

/** Gaps between consecutive attempts, in ms. */
const gaps = (sub: Subscriber, id: string) => {
  const at = sub.attemptsOf(id).map((r) => r.at);
  return at.slice(1).map((t, i) => t - at[i]!);
};

const deadLetterCli = async (...args: string[]) => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'tools/deadletters/main.ts', ...args, '--admin', broker.admin],
    { timeout: 30_000 },
  );
  return stdout;
};

describe('retries', () => {
  it('delivers after failures, retrying after at least the backoff of each attempt', async () => {
    subs.exp!.answer((_r, n) => (n <= 2 ? 503 : 204));
    subs.linear!.answer((_r, n) => (n <= 3 ? 500 : 204));
    expect(await publish(broker.ingress, [cloudEvent('f1', 'test.flaky')])).toBe(202);
    await waitFor('both deliveries', () =>
      [subs.exp!.attemptsOf('f1').length, subs.linear!.attemptsOf('f1').length].every(
        (n, i) => n === [3, 4][i],
      ),
    );
    await broker.settled();

    // exponential from 0.2 s: 0.2 s, then 0.4 s; linear from 0.15 s: 0.15, 0.3, 0.45 s.
    const exponential = gaps(subs.exp!, 'f1');
    const linear = gaps(subs.linear!, 'f1');
    expect(exponential).toHaveLength(2);
    expect(linear).toHaveLength(3);
    [200, 400].forEach((min, i) => expect(exponential[i]).toBeGreaterThanOrEqual(min));
    [150, 300, 450].forEach((min, i) => expect(linear[i]).toBeGreaterThanOrEqual(min));

    expect(await broker.metric('multivac_broker_retried_total', 'flaky-exponential')).toBe(2);
    expect(await broker.metric('multivac_broker_retried_total', 'flaky-linear')).toBe(3);
    expect(await broker.metric('multivac_broker_delivered_total', 'flaky-')).toBe(2);
    expect(await broker.deadLetters()).toEqual([]);
  });

  it('retries an attempt that timed out', async () => {
    subs.slow!.answer((_r, n) => (n === 1 ? 'hang' : 204));
    expect(await publish(broker.ingress, [cloudEvent('s1', 'test.slow')])).toBe(202);
    await waitFor('the second attempt', () => subs.slow!.attemptsOf('s1').length === 2);
    await broker.settled();
    expect(gaps(subs.slow!, 's1')[0]).toBeGreaterThanOrEqual(300 + 100);
  });
});

describe('dead letters', () => {
  let letter: DeadLetterView;

  it('dead-letters after the last retry, with the reason, then acknowledges', async () => {
    subs.doomed!.answer(() => ({ status: 500, body: 'database on fire' }));
    expect(await publish(broker.ingress, [cloudEvent('d1', 'test.doomed')])).toBe(202);
    await waitFor('the dead letter', async () => (await broker.deadLetters()).length === 1);
    await broker.settled();
    expect(subs.doomed!.attemptsOf('d1')).toHaveLength(3); // the attempt and 2 retries
    expect(subs.bystander!.attemptsOf('d1')).toHaveLength(1);
    [letter] = (await broker.deadLetters('always-fails')) as [DeadLetterView];
    expect(letter).toMatchObject({
      trigger: 'always-fails',
      kind: 'exhausted',
      status: 500,
      attempts: 3,
      reason: 'the subscriber answered 500: database on fire',
      event: { id: 'd1', type: 'test.doomed', source: '/multivac/test', data: { n: 'd1' } },
    });
    expect(
      await broker.metric('multivac_broker_deadlettered_total', 'always-fails', 'exhausted'),
    ).toBe(1);
  });

  it('lists them with npm run deadletters', async () => {
    const listed = JSON.parse(await deadLetterCli('list', '--json')) as DeadLetterView[];
    expect(listed.map((d) => [d.id, d.trigger])).toEqual([[letter.id, 'always-fails']]);
    expect(await deadLetterCli('list')).toMatch(/always-fails\s+exhausted\s+3\s+test\.doomed d1/);
  });

  it('re-drives one by id to its trigger alone, past duplicate detection', async () => {
    subs.doomed!.answer(() => 204); // fixed
    const out = await deadLetterCli('redrive', '--id', letter.id);
    expect(out).toContain(`re-driven ${letter.id} → always-fails`);
    await waitFor('the re-driven delivery', () => subs.doomed!.attemptsOf('d1').length === 4);
    await broker.settled();
    expect(subs.bystander!.attemptsOf('d1')).toHaveLength(1);
    expect(await broker.deadLetters()).toEqual([]);
    // Once delivered it is gone: a second re-drive of the same id finds nothing.
    const again = await broker.redrive({ ids: [letter.id] });
    expect(again).toEqual({
      redriven: [],
      skipped: [{ id: letter.id, reason: 'no such dead letter' }],
    });
  });

  it('dead-letters a 400 at once, and re-drives all of a trigger', async () => {
    subs.rejects!.answer(() => 400);
    expect(
      await publish(broker.ingress, [cloudEvent('r1', 'test.bad'), cloudEvent('r2', 'test.bad')]),
    ).toBe(202);
    await waitFor(
      'two dead letters',
      async () => (await broker.deadLetters('rejects')).length === 2,
    );
    expect(subs.rejects!.received).toHaveLength(2);
    expect(
      (await broker.deadLetters('rejects')).map((d) => [d.kind, d.attempts, d.status]),
    ).toEqual([
      ['rejected', 1, 400],
      ['rejected', 1, 400],
    ]);
    subs.rejects!.answer(() => 202);
    const report = await broker.redrive({ trigger: 'rejects' });
    expect(report.redriven.map((r) => r.trigger)).toEqual(['rejects', 'rejects']);
    await waitFor('re-driven deliveries', () => subs.rejects!.received.length === 4);
    await broker.settled();
    expect(await broker.deadLetters()).toEqual([]);
  });

  it("POSTs to the trigger's deadLetterSink with Knative's error attributes", async () => {
    subs.down!.answer(() => ({ status: 503, body: 'busy' }));
    expect(await publish(broker.ingress, [cloudEvent('k1', 'test.sink')])).toBe(202);
    await waitFor('the sink', () => subs.sink!.received.length === 1);
    await broker.settled();
    expect(subs.down!.attemptsOf('k1')).toHaveLength(2);
    expect(subs.sink!.received[0]!.headers).toMatchObject({
      'ce-id': 'k1',
      'ce-type': 'test.sink',
      'ce-knativeerrordest': subs.down!.url,
      'ce-knativeerrorcode': '503',
      'ce-knativeerrordata': Buffer.from('busy').toString('base64'),
    });
    expect(await broker.deadLetters('with-sink')).toEqual([]);
  });

  it('refuses a re-drive request it cannot read', async () => {
    const res = await fetch(`${broker.admin}/deadletters/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['not-an-id'] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
