/**
 * The code cache's training run (tools/build/training.ts, shared/runtime/start.ts): made with a
 * Redis and a MongoDB-wire server to talk to, a function's first requests connect and query, and
 * the drivers' code for that is compiled into the cache, which the next start takes.
 */
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleFunction,
  discoverFunctions,
  writeCodeCache,
  codeCacheEnv,
} from '../../tools/build/index';
import { withTrainingServers } from '../../tools/build/training';
import { freePort, pingMongo, pingRedis } from '../../tools/services/index';
import { runBundle } from '../e2e/support/child';
import { servers, uniqueDbName } from '../support/isolation';

const root = resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-training-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('withTrainingServers', () => {
  it('gives a Redis and a MongoDB-wire server of its own, and stops them after', async () => {
    const given = await withTrainingServers(async (s) => {
      expect(s).toBeDefined();
      expect(await pingRedis(Number(new URL(s!.redisUrl).port))).toBe(true);
      expect(await pingMongo(s!.mongoUri)).toBe(true);
      // Not the servers the environment names.
      expect(s!.redisUrl).not.toBe(process.env.REDIS_URL);
      return s!;
    });
    expect(await pingRedis(Number(new URL(given.redisUrl).port))).toBe(false);
  });
});

describe("data's code cache", () => {
  const caches: Record<'trained' | 'untrained', string> = { trained: '', untrained: '' };

  beforeAll(async () => {
    const data = (await discoverFunctions(root)).find((fn) => fn.name === 'data')!;
    await bundleFunction(data, root, join(dir, 'untrained'), { codeCache: false });
    await cp(join(dir, 'untrained', 'data'), join(dir, 'trained', 'data'), { recursive: true });
    const { redisUrl, mongoUri } = servers();
    await writeCodeCache(join(dir, 'untrained', 'data'), codeCacheEnv(root));
    await writeCodeCache(join(dir, 'trained', 'data'), {
      ...codeCacheEnv(root, { redisUrl, mongoUri }),
      MONGODB_DB: uniqueDbName('training'),
    });
    caches.untrained = join(dir, 'untrained', 'data');
    caches.trained = join(dir, 'trained', 'data');
  }, 120_000);

  it("holds the drivers' code for a connection and a query when made against the servers", async () => {
    const size = async (which: keyof typeof caches) =>
      (await stat(join(caches[which], 'driver-mongodb.cjs.cache'))).size;
    // The same bundle, the same requests: what the servers' answers ran is the difference.
    expect(await size('trained')).toBeGreaterThan((await size('untrained')) * 1.1);
  });

  it('is taken by the next start, which answers from the database', async () => {
    const { redisUrl, mongoUri } = servers();
    const port = await freePort();
    const proc = runBundle(join(caches.trained, 'index.cjs'), caches.trained, {
      PATH: process.env.PATH,
      PORT: String(port),
      NODE_DEBUG: 'codecache',
      REDIS_URL: redisUrl,
      MONGODB_URI: mongoUri,
      MONGODB_DB: uniqueDbName('trained'),
      K_SINK: 'http://127.0.0.1:9/',
    });
    try {
      expect(await proc.waitForLine(/CODECACHE \d+: \w+ for .*function\.cjs$/)).toMatch(/accepted/);
      await proc.waitForLine(/listening/);
      const res = await fetch(`http://127.0.0.1:${port}/multivac/data`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ items: [], next: null });
      expect(await proc.waitForLine(/CODECACHE \d+: \w+ for .*driver-mongodb\.cjs$/)).toMatch(
        /accepted/,
      );
    } finally {
      await proc.stop();
    }
  });
});
