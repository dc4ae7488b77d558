import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import {
  INDEXES,
  clearFanIn,
  collections,
  createStore,
  ensureIndexes,
  eventKey,
  fanIn,
  fanInCount,
  fanInCounts,
  markProcessed,
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

describe('fanIn', () => {
  it('reports "last" exactly once when 100 concurrent members race', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => fanIn(db, 'job-race', `doc-${i}`, 100)),
    );
    expect(results.filter((r) => r.last)).toHaveLength(1);
    expect(results.every((r) => r.counted)).toBe(true);
    expect(await fanInCount(db, 'job-race')).toBe(100);
  });

  it('counts duplicates once and never makes a duplicate the finisher', async () => {
    const first = await Promise.all(
      Array.from({ length: 3 }, (_, i) => fanIn(db, 'job-dup', `d${i}`, 4)),
    );
    expect(first.some((r) => r.last)).toBe(false);
    const dups = await Promise.all(Array.from({ length: 20 }, () => fanIn(db, 'job-dup', 'd0', 4)));
    expect(dups.every((r) => !r.counted && !r.last)).toBe(true);
    const final = await fanIn(db, 'job-dup', 'd3', 4);
    expect(final).toEqual({ counted: true, count: 4, last: true });
    // A redelivery of the finisher's own event finishes again (it may have crashed half-way) …
    expect((await fanIn(db, 'job-dup', 'd3', 4)).last).toBe(true);
    // … while any other member's redelivery does not.
    expect((await fanIn(db, 'job-dup', 'd1', 4)).last).toBe(false);
  });

  it('counts outcomes apart', async () => {
    await fanIn(db, 'job-outcomes', 'ok-1', 3);
    await fanIn(db, 'job-outcomes', 'bad-1', 3, 'failed');
    const last = await fanIn(db, 'job-outcomes', 'ok-2', 3);
    expect(last.last).toBe(true);
    expect(await fanInCounts(db, 'job-outcomes')).toEqual({ done: 2, failed: 1 });
  });

  it('clears the facts of a finished fan-in', async () => {
    await fanIn(db, 'job-clear', 'a', 1);
    await clearFanIn(db, 'job-clear');
    expect(await fanInCount(db, 'job-clear')).toBe(0);
  });
});
