/**
 * The MongoDB-wire server restarts (a rolling update, a crash): every store must be usable again
 * once it is back, without restarting the function. With driver 7 against FerretDB 1.24, a
 * graceful restart could leave a client whose server check never finished, failing every operation
 * until the process died (docs/reliability.md); `createStore` replaces such a client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../shared/store/index';
import { startMongo, type MongoService } from '../../tools/services/index';
import { servers } from '../support/isolation';

const CLIENTS = 6;
const RESTARTS = 6;
let dir: string;
let mongo: MongoService;
let stores: Store[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-reconnect-'));
  // Its own server, restarted below; the suite's shared server is left alone.
  mongo = await startMongo({ dataDir: dir, env: { ...process.env, MONGODB_URI: '' } });
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => {})));
  await mongo?.stop();
  await rm(dir, { recursive: true, force: true });
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

describe.skipIf(servers().mongoKind === 'external')(
  'a store outlives restarts of the server',
  () => {
    it(`${CLIENTS} stores write again after each of ${RESTARTS} graceful restarts`, async () => {
      stores = Array.from({ length: CLIENTS }, (_, i) =>
        createStore({ uri: mongo.uri, dbName: 'reconnect', appName: `probe-${i}` }),
      );
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
        await mongo.restart!({ signal: 'SIGTERM', downMs: 300 });
        await new Promise((res) => setTimeout(res, 500));
        done = true;
        await Promise.all(busy);
        recoveries.push(
          ...(await Promise.all(stores.map((s, i) => writeWithin(s, `r${r}-${i}`, 30_000)))),
        );
      }
      expect(recoveries).toHaveLength(CLIENTS * RESTARTS);
      console.log(
        `store reconnect: ${recoveries.length} recoveries, slowest ${Math.max(...recoveries)} ms`,
      );
    });
  },
);
