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

/**
 * Trimming under load never drops an entry that a group still has pending or has not read.
 * The broker trims every 20 ms while three triggers consume at different speeds (one fails
 * every first attempt, one is slow), and a checker looks at Redis atomically, again and again:
 * every pending entry must still be in the stream, and as many entries as the group's lag
 * (which Redis counts apart from the stream's length) must follow its last-delivered id.
 */
const CHECK = `
local problems = {}
local seen = 0
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  for _, p in ipairs(redis.call('XPENDING', KEYS[1], info['name'], '-', '+', 100000)) do
    seen = seen + 1
    if #redis.call('XRANGE', KEYS[1], p[1], p[1]) == 0 then
      table.insert(problems, info['name'] .. ': pending entry ' .. p[1] .. ' was trimmed')
    end
  end
  if info['lag'] then
    seen = seen + info['lag']
    local unread = #redis.call('XRANGE', KEYS[1], '(' .. info['last-delivered-id'], '+')
    if unread ~= info['lag'] then
      table.insert(problems, info['name'] .. ': lag ' .. info['lag'] .. ' but ' .. unread .. ' entries unread')
    end
  end
end
return {seen, problems}
`;

const EVENTS = 600;
let broker: BrokerUnderTest;
const subs: Record<string, Subscriber> = {};
const handle = createRedis(servers().redisUrl);
let redis: Redis;

beforeAll(async () => {
  redis = await handle.client();
  for (const name of ['fast', 'flaky', 'slow']) subs[name] = await startSubscriber();
  broker = await startBrokerProcess({
    redisUrl: servers().redisUrl,
    stream: uniquePrefix('broker-trimming'),
    triggers: [
      { name: 'fast', subscriber: subs.fast!.url },
      { name: 'flaky', subscriber: subs.flaky!.url, backoffDelay: 'PT0.2S' },
      { name: 'slow', subscriber: subs.slow!.url },
    ],
    env: { MULTIVAC_TRIM_INTERVAL_MS: '20', MULTIVAC_DELIVERY_CONCURRENCY: '4' },
  });
});
afterAll(async () => {
  await broker?.dispose();
  await Promise.all(Object.values(subs).map((s) => s.close()));
  await handle.quit();
});

describe('trimming under load', () => {
  it('never removes an entry that is pending or unread', async () => {
    subs.flaky!.answer((_r, n) => (n === 1 ? 503 : 204));
    subs.slow!.answer(() => ({ status: 204, delayMs: 10 }));
    let checking = true;
    const problems: string[] = [];
    let checks = 0;
    let busyChecks = 0;
    const checker = (async () => {
      while (checking) {
        for (const name of Object.keys(subs)) {
          const stream = broker.keys.of(name).stream;
          const [seen, found] = (await redis.eval(CHECK, 1, stream)) as [number, string[]];
          checks++;
          if (seen > 0) busyChecks++;
          problems.push(...found);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    const batches = Array.from({ length: EVENTS / 20 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => cloudEvent(`t${b * 20 + i}`, 'test.trim')),
    );
    for (const batch of batches) expect(await publish(broker.ingress, batch)).toBe(202);
    await waitFor(
      'every trigger to get every event',
      () => Object.values(subs).every((s) => new Set(s.received.map((r) => r.id)).size === EVENTS),
      60_000,
    );
    await broker.settled();
    await waitFor('the streams trimmed to nothing', async () => {
      const lengths = Object.keys(subs).map((name) => redis.xlen(broker.keys.of(name).stream));
      return (await Promise.all(lengths)).every((length) => length === 0);
    });
    checking = false;
    await checker;

    expect(problems).toEqual([]);
    expect(busyChecks).toBeGreaterThan(10); // the checks ran while entries were pending or unread
    // Each trigger has its own copy of every event in its own stream.
    expect(await broker.metric('multivac_broker_trimmed_total')).toBe(3 * EVENTS);
    console.log(
      `trimming test: ${checks} atomic checks, ${busyChecks} with entries pending or unread`,
    );
  });
});
