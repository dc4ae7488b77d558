import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../shared/store/index';
import { servers, uniqueDbName } from '../support/isolation';

/**
 * The FerretDB that tools/services builds carries the `_id` index fix
 * (tools/services/patches/ferretdb-v1.24.2-sqlite-id-index.patch). FerretDB's `explain` runs
 * SQLite's `EXPLAIN QUERY PLAN` on the very statement it would execute, so the plan shows whether
 * a `{_id}` read searches the index or scans the table. Unpatched, every plan here says SCAN.
 */
const ferretdb = servers().mongoKind === 'ferretdb';

let store: Store;
let db: Db;

beforeAll(async () => {
  store = createStore({ uri: servers().mongoUri, dbName: uniqueDbName('idindex') });
  db = await store.db();
  await db
    .collection<{ _id: string; n: number }>('things')
    .insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `thing-${n}`, n })));
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await store.close();
});

/** The SQLite plan lines of FerretDB's explain of a find. */
async function plan(find: Record<string, unknown>): Promise<string> {
  const explained = await db.command({
    explain: { find: 'things', ...find },
    verbosity: 'queryPlanner',
  });
  return JSON.stringify(explained.queryPlanner);
}

describe.runIf(ferretdb)('FerretDB (SQLite) uses the _id index', () => {
  it('for a read by _id', async () => {
    const text = await plan({ filter: { _id: 'thing-7' } });
    expect(text).toMatch(/SEARCH .*USING INDEX/);
    expect(text).not.toMatch(/SCAN/);
  });

  it('only there: other filters are not pushed down to SQLite at all', async () => {
    const text = await plan({ filter: { n: 7 } });
    expect(text).toMatch(/SCAN/);
    expect(text).not.toMatch(/USING INDEX/);
  });

  it('and still finds the right documents through it', async () => {
    const things = db.collection<{ _id: string; n: number }>('things');
    expect(await things.findOne({ _id: 'thing-7' })).toEqual({ _id: 'thing-7', n: 7 });
    await things.updateOne({ _id: 'thing-8' }, { $set: { n: 80 } });
    expect((await things.findOne({ _id: 'thing-8' }))?.n).toBe(80);
    await things.deleteOne({ _id: 'thing-9' });
    expect(await things.findOne({ _id: 'thing-9' })).toBeNull();
    expect(await things.countDocuments()).toBe(49);
  });
});
