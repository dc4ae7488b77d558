import type { Db } from 'mongodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanIn, type FanIn, type FanInRecord } from '../../shared/fan-in/index';
import { createRedis, type RedisHandle } from '../../shared/redis/index';
import { createStore, readFacts, recordFacts, type Store } from '../../shared/store/index';
import { servers, uniqueDbName, uniquePrefix } from '../support/isolation';

const prefix = uniquePrefix('fanin');
let store: Store;
let db: Db;
let handle: RedisHandle;
let raw: Redis;
let fanIn: FanIn;

beforeAll(async () => {
  store = createStore({ uri: servers().mongoUri, dbName: uniqueDbName('fanin') });
  db = await store.db();
  handle = createRedis(servers().redisUrl);
  raw = new Redis(servers().redisUrl);
  fanIn = createFanIn({ redis: handle, prefix });
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await store.close();
  await handle.quit();
  raw.disconnect();
});

/** The record of a fan-in whose facts are kept in MongoDB, as `learn` keeps them. */
const factsOf =
  (total: number) =>
  async (d: Db, key: string): Promise<FanInRecord> => ({ total, facts: await readFacts(d, key) });
const notRecorded = async () => null;

/** Counts one member the way learn does: the fact first, then the count. */
async function member(
  key: string,
  name: string,
  total: number,
  outcome: 'done' | 'failed' = 'done',
) {
  await recordFacts(db, key, [{ member: name, outcome }]);
  return fanIn.count(db, key, [{ member: name, outcome }], name, factsOf(total));
}

describe('a fan-in counted in Redis, recorded in MongoDB', () => {
  it('names exactly one finisher when 100 concurrent members race', async () => {
    await fanIn.open('race', 100);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => member('race', `d${i}`, 100)),
    );
    expect(results.filter((r) => r.last)).toHaveLength(1);
    expect(results.every((r) => r.counted === 1)).toBe(true);
    expect(await fanIn.progress('race')).toEqual({ total: 100, done: 100, failed: 0 });
  });

  it('counts duplicates once, never makes a duplicate the finisher, and names the finisher again', async () => {
    await fanIn.open('dup', 4);
    for (let i = 0; i < 3; i++) expect((await member('dup', `d${i}`, 4)).last).toBe(false);
    const dups = await Promise.all(Array.from({ length: 20 }, () => member('dup', 'd0', 4)));
    expect(dups.every((r) => r.counted === 0 && !r.last)).toBe(true);
    expect(await member('dup', 'd3', 4)).toEqual({
      counted: 1,
      total: 4,
      done: 4,
      failed: 0,
      last: true,
    });
    // A redelivery of the finisher's own event finishes again (it may have crashed half-way) …
    expect((await member('dup', 'd3', 4)).last).toBe(true);
    // … while any other member's redelivery does not.
    expect((await member('dup', 'd1', 4)).last).toBe(false);
  });

  it('counts a batch of members in one call, outcomes apart', async () => {
    await fanIn.open('batch', 5);
    const facts = [
      { member: 'a', outcome: 'done' as const },
      { member: 'b', outcome: 'failed' as const },
      { member: 'c', outcome: 'done' as const },
    ];
    expect(await fanIn.count(db, 'batch', facts, 'a', notRecorded)).toMatchObject({
      counted: 3,
      done: 2,
      failed: 1,
      last: false,
    });
    const rest = [
      { member: 'd', outcome: 'done' as const },
      { member: 'e', outcome: 'done' as const },
    ];
    expect(await fanIn.count(db, 'batch', rest, 'd', notRecorded)).toMatchObject({
      counted: 2,
      done: 4,
      failed: 1,
      last: true,
    });
  });

  it('keeps the first total when opened twice, and forgets a closed count', async () => {
    await fanIn.open('twice', 2);
    await fanIn.open('twice', 9);
    expect(await fanIn.progress('twice')).toEqual({ total: 2, done: 0, failed: 0 });
    await fanIn.close('twice');
    expect(await fanIn.progress('twice')).toBeNull();
  });

  it('rebuilds a count Redis has lost from the facts in MongoDB, then goes on counting', async () => {
    await fanIn.open('lost', 5);
    for (const name of ['m0', 'm1', 'm2']) await member('lost', name, 5);
    // Redis loses the count (a flush, an eviction, a restart without its file).
    expect(await raw.del(`${prefix}:fanin:{lost}`)).toBe(1);
    expect(await fanIn.progress('lost')).toBeNull();
    const fourth = await member('lost', 'm3', 5, 'failed');
    expect(fourth).toMatchObject({ done: 3, failed: 1, total: 5, last: false });
    // m1 again: counted before the loss, so it is not counted twice after the rebuild.
    expect((await member('lost', 'm1', 5)).counted).toBe(0);
    expect(await member('lost', 'm4', 5)).toMatchObject({ done: 4, failed: 1, last: true });
  });

  it('refuses to count towards a count that was never opened and has no record (worth a retry)', async () => {
    await expect(
      fanIn.count(db, 'never', [{ member: 'x', outcome: 'done' }], 'x', notRecorded),
    ).rejects.toThrow(/not open yet/);
  });
});
