import { afterAll, describe, expect, it } from 'vitest';
import { databaseFor } from '../../shared/runtime/context';
import { createStore, indexVersion } from '../../shared/store/index';
import { servers, uniqueDbName } from '../support/isolation';

const dbName = uniqueDbName('database');
// A client of its own, to look at the database the function's one made.
const observer = createStore({ uri: servers().mongoUri, dbName });

afterAll(async () => {
  await (await observer.db()).dropDatabase().catch(() => {});
  await observer.close();
});

/** The index record `ensureIndexesOnce` writes once the indexes exist, if it has. */
const indexRecord = async () =>
  (await observer.db()).collection<{ _id: string }>('_multivac').findOne({ _id: 'indexes' });

describe('databaseFor', () => {
  it('serves reads before the index check and writes only after it', async () => {
    // Not early: nothing runs after listening here, so only the calls below touch the database.
    const database = databaseFor(
      { MONGODB_URI: servers().mongoUri, MONGODB_DB: dbName },
      'test',
      undefined,
      {
        early: false,
      },
    );
    const forReads = await database.forReads();
    expect(await forReads.collection('sources').countDocuments()).toBe(0);
    expect(await indexRecord()).toBeNull();

    const forWrites = await database();
    expect(forWrites).toBe(forReads);
    expect(await indexRecord()).toMatchObject({ version: indexVersion() });
  });
});
