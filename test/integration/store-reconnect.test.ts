/**
 * The MongoDB-wire server restarts (a rolling update, a crash): every store must be usable again
 * once it is back, without restarting the function. With driver 7 against FerretDB 1.24, a
 * graceful restart could leave a client whose server check never finished, failing every operation
 * until the process died (docs/reliability.md); `createStore` replaces such a client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../shared/store/index';
import { findFerretdb, startMongo, which, type MongoService } from '../../tools/services/index';

const CLIENTS = 6;
const RESTARTS = 6;
const DB = 'reconnect';
/**
 * The test restarts a server of its own, whatever MONGODB_URI the suite uses: it needs a `mongod`,
 * a FerretDB build, or Go to build one. Only a machine with none of them (and not CI, which
 * installs them) skips it, saying so.
 */
const ownServer = Boolean(which('mongod') || (await findFerretdb()) || which('go'));
const inCi = process.env.CI === 'true';
if (!ownServer && !inCi) {
  console.warn(
    '\n*** store-reconnect is SKIPPED: it restarts a MongoDB-wire server of its own and needs mongod, FerretDB or Go. ***\n',
  );
}
let dir: string;
let mongo: MongoService | undefined;
let stores: Store[] = [];

beforeAll(async () => {
  if (!ownServer && !inCi) return;
  dir = await mkdtemp(join(tmpdir(), 'multivac-reconnect-'));
  // Its own server, restarted below; the suite's shared server is left alone.
  mongo = await startMongo({ dataDir: dir, env: { ...process.env, MONGODB_URI: '' } });
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => {})));
  await mongo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Retries one small write until it succeeds or `ms` have passed. */
async function writeWithin(store: Store, id: string, ms: number): Promise<number> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < ms) {
    try {
      const db = await store.db();
      await db.collection('probe').insertOne({ _id: id as never, at: new Date() });
      return Date.now() - started;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`no write within ${ms} ms: ${String(last)}`);
}

/** Every probe id in the server, read through a client of its own (not one of the stores). */
async function storedIds(uri: string): Promise<string[]> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const docs = await client.db(DB).collection<{ _id: string }>('probe').find({}).toArray();
    return docs.map((d) => d._id).sort();
  } finally {
    await client.close();
  }
}

describe.skipIf(!ownServer && !inCi)('a store outlives restarts of the server', () => {
  it(`${CLIENTS} stores write again after each of ${RESTARTS} graceful restarts`, async () => {
    const server = mongo!;
    stores = Array.from({ length: CLIENTS }, (_, i) =>
      createStore({ uri: server.uri, dbName: DB, appName: `probe-${i}` }),
    );
    const expected = stores.map((_, i) => `warm-${i}`);
    await Promise.all(stores.map((s, i) => writeWithin(s, `warm-${i}`, 10_000)));
    const recoveries: number[] = [];
    for (let r = 0; r < RESTARTS; r++) {
      // Keep every client busy across the restart, as functions under load are.
      let done = false;
      const busy = stores.map(async (s) => {
        while (!done) {
          await (
            await s.db().catch(() => null)
          )
            ?.collection('probe')
            .findOne({ _id: 'none' as never })
            .catch(() => null);
          await new Promise((res) => setTimeout(res, 10));
        }
      });
      const before = server.process!.pid;
      await server.restart!({ signal: 'SIGTERM', downMs: 300 });
      // The server really went away: another process serves now.
      expect(server.process!.pid).not.toBe(before);
      await new Promise((res) => setTimeout(res, 500));
      done = true;
      await Promise.all(busy);
      // The same store objects — not new ones — write again.
      recoveries.push(
        ...(await Promise.all(stores.map((s, i) => writeWithin(s, `r${r}-${i}`, 30_000)))),
      );
      expected.push(...stores.map((_, i) => `r${r}-${i}`));
    }
    // Every write a store reported after a restart is in the server, and nothing else.
    expect(await storedIds(server.uri)).toEqual(expected.sort());
    console.log(
      `store reconnect: ${recoveries.length} recoveries, slowest ${Math.max(...recoveries)} ms`,
    );
  });
});
