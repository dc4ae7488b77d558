import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import {
  INDEXES,
  clearFanIn,
  collections,
  createStore,
  ensureIndexes,
  ensureIndexesOnce,
  eventKey,
  factCounts,
  markProcessed,
  readFacts,
  recordFacts,
  sweepExpired,
  upsertByKey,
  wasProcessed,
  type Store,
} from '../../shared/store/index';
import { servers, uniqueDbName } from '../support/isolation';

let store: Store;
let db: Db;

beforeAll(async () => {
  store = createStore({ uri: servers().mongoUri, dbName: uniqueDbName('store') });
  db = await store.db();
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await store.close();
});

describe('createStore', () => {
  it('connects lazily and reuses one client', async () => {
    const lazy = createStore({ uri: servers().mongoUri, dbName: uniqueDbName('lazy') });
    const [a, b] = await Promise.all([lazy.db(), lazy.db()]);
    expect(a).toBe(b);
    await lazy.close();
  });

  it('retries after a failed connection instead of caching the failure', async () => {
    const bad = createStore({
      uri: 'mongodb://127.0.0.1:1/',
      dbName: 'x',
      clientOptions: { serverSelectionTimeoutMS: 200 },
    });
    await expect(bad.db()).rejects.toThrow();
    await expect(bad.db()).rejects.toThrow();
    await bad.close();
  });
});

describe('ensureIndexes', () => {
  it('creates every index of the data model, twice without error', async () => {
    const first = await ensureIndexes(db);
    const second = await ensureIndexes(db);
    expect(second).toEqual(first);
    for (const [name, specs] of Object.entries(INDEXES)) {
      const existing = await db.collection(name).indexes();
      for (const spec of specs) {
        const found = existing.find((i) => JSON.stringify(i.key) === JSON.stringify(spec.key));
        expect(found, `${name} ${JSON.stringify(spec.key)}`).toBeDefined();
        if (spec.unique) expect(found!.unique).toBe(true);
      }
    }
  });

  it('creates them once per database and index version, not on every start', async () => {
    const commands: string[] = [];
    const counted = createStore({
      uri: servers().mongoUri,
      dbName: uniqueDbName('indexonce'),
      onCommand: (name) => commands.push(name),
    });
    const fresh = await counted.db();
    expect(await ensureIndexesOnce(fresh)).toBeDefined();
    expect(commands.filter((c) => c === 'createIndexes').length).toBeGreaterThan(5);
    commands.length = 0;
    // The next process to start: one read of the record, no index created.
    expect(await ensureIndexesOnce(fresh)).toBeUndefined();
    expect(commands).toEqual(['find']);
    // A new version of the indexes is created (and recorded) again.
    await fresh
      .collection('_multivac')
      .updateOne({ _id: 'indexes' as never }, { $set: { version: 'old' } });
    expect(await ensureIndexesOnce(fresh)).toBeDefined();
    await fresh.dropDatabase();
    await counted.close();
  });

  it('enforces the unique normalized url of sources', async () => {
    const { sources } = collections(db);
    const doc = {
      url: 'https://unique.example/',
      kind: 'url' as const,
      state: 'requested' as const,
      requestedAt: new Date(),
      updatedAt: new Date(),
    };
    await sources.insertOne({ _id: 'u1', ...doc });
    await expect(sources.insertOne({ _id: 'u2', ...doc })).rejects.toMatchObject({ code: 11000 });
  });
});

describe('idempotency helpers', () => {
  it('upsertByKey creates exactly once under 50 concurrent duplicates', async () => {
    const { sources } = collections(db);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        upsertByKey(
          sources,
          { url: 'https://race.example/' },
          {
            _id: 'race',
            url: 'https://race.example/',
            kind: 'url',
            state: 'requested',
            requestedAt: new Date(),
            updatedAt: new Date(),
          },
        ),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await sources.countDocuments({ url: 'https://race.example/' })).toBe(1);
  });

  it('markProcessed admits exactly one of 50 concurrent duplicates', async () => {
    const key = eventKey('learn', { source: '/multivac/process', id: 'evt-1' });
    expect(await wasProcessed(db, key)).toBe(false);
    const results = await Promise.all(Array.from({ length: 50 }, () => markProcessed(db, key)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await wasProcessed(db, key)).toBe(true);
  });

  it('expired markers no longer count and are swept', async () => {
    const key = eventKey('acquire', { source: '/multivac/data', id: 'old' });
    await markProcessed(db, key, -1);
    expect(await wasProcessed(db, key)).toBe(false);
    expect(await sweepExpired(db)).toBeGreaterThanOrEqual(1);
    expect(await collections(db).processedEvents.findOne({ _id: key })).toBeNull();
  });
});

describe('fan-in facts', () => {
  it('records each member once, reads and counts them by outcome, and clears them', async () => {
    await recordFacts(db, 'job-facts', [
      { member: 'a', outcome: 'done' },
      { member: 'b', outcome: 'failed' },
    ]);
    await recordFacts(db, 'job-facts', [
      { member: 'a', outcome: 'done' },
      { member: 'c', outcome: 'done' },
    ]);
    expect((await readFacts(db, 'job-facts')).map((f) => f.member).sort()).toEqual(['a', 'b', 'c']);
    expect(await factCounts(db, 'job-facts')).toEqual({ done: 2, failed: 1 });
    await clearFanIn(db, 'job-facts');
    expect(await readFacts(db, 'job-facts')).toEqual([]);
  });
});
