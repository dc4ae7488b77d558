import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerKeys } from '../../../functions/broker/keys';
import { trimStream } from '../../../functions/broker/trim';
import { createRedis } from '../../../shared/redis/index';
import { servers, uniquePrefix } from '../../support/isolation';

/**
 * The trimming rule against real Redis, state by state: the stream is trimmed only below the
 * oldest entry that some group still has pending or has not read.
 */
const handle = createRedis(servers().redisUrl);
let redis: Redis;
beforeAll(async () => {
  redis = await handle.client();
});
afterAll(() => handle.quit());

/** A trigger's stream of 10 entries and groups created before any of them; returns the entry ids. */
async function setup(groups: string[]) {
  const { stream } = brokerKeys(uniquePrefix('broker-trim')).of('trigger');
  for (const group of groups) await redis.call('XGROUP', 'CREATE', stream, group, '$', 'MKSTREAM');
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await redis.xadd(stream, '*', 'event', `{"n":${i}}`))!);
  return { stream, ids };
}
const read = (stream: string, group: string, count: number) =>
  redis.call('XREADGROUP', 'GROUP', group, 'c', 'COUNT', count, 'STREAMS', stream, '>');
const remaining = async (stream: string) =>
  ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([id]) => id);

describe('trimStream', () => {
  it('trims nothing without a stream or without groups', async () => {
    const { stream } = brokerKeys(uniquePrefix('broker-trim')).of('trigger');
    expect(await trimStream(redis, stream)).toBeNull();
    await redis.xadd(stream, '*', 'event', '{}');
    expect(await trimStream(redis, stream)).toBeNull();
    expect(await redis.xlen(stream)).toBe(1);
  });

  it('keeps everything a group has not read', async () => {
    const { stream, ids } = await setup(['fast', 'idle']);
    await read(stream, 'fast', 10);
    await redis.xack(stream, 'fast', ...ids);
    expect(await trimStream(redis, stream)).toEqual({ removed: 0, keptFrom: '0-1' });
    expect(await remaining(stream)).toEqual(ids);
  });

  it('keeps everything from the lowest pending entry on', async () => {
    const { stream, ids } = await setup(['a', 'b']);
    await read(stream, 'a', 10);
    await redis.xack(stream, 'a', ...ids);
    await read(stream, 'b', 6); // b: 0-5 pending, 6-9 unread
    await redis.xack(stream, 'b', ids[0]!, ids[1]!, ids[2]!, ids[4]!); // 3 and 5 pending
    expect(await trimStream(redis, stream)).toEqual({ removed: 3, keptFrom: ids[3] });
    expect(await remaining(stream)).toEqual(ids.slice(3));
  });

  it('keeps the unread entries after the last one a group read', async () => {
    const { stream, ids } = await setup(['a', 'b']);
    await read(stream, 'a', 10);
    await redis.xack(stream, 'a', ...ids);
    await read(stream, 'b', 4);
    await redis.xack(stream, 'b', ...ids.slice(0, 4)); // b: nothing pending, 4-9 unread
    expect(await trimStream(redis, stream)).toEqual({ removed: 4, keptFrom: bump(ids[3]!, 1) });
    expect(await remaining(stream)).toEqual(ids.slice(4));
  });

  it('removes everything once every group has acknowledged everything', async () => {
    const { stream, ids } = await setup(['a', 'b']);
    for (const group of ['a', 'b']) {
      await read(stream, group, 10);
      await redis.xack(stream, group, ...ids);
    }
    expect((await trimStream(redis, stream))?.removed).toBe(10);
    expect(await redis.xlen(stream)).toBe(0);
    // New entries after a full trim are kept for the groups that have not read them.
    const next = await redis.xadd(stream, '*', 'event', '{}');
    expect((await trimStream(redis, stream))?.removed).toBe(0);
    expect(await remaining(stream)).toEqual([next]);
  });
});

/** The id `delta` sequence numbers away (same millisecond). */
function bump(id: string, delta: number): string {
  const [ms, seq] = id.split('-') as [string, string];
  return `${ms}-${Number(seq) + delta}`;
}
