import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  isListening,
  pingMongo,
  pingRedis,
  startServices,
  waitUntil,
} from '../../tools/services/index';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('tools/services', () => {
  it('starts and stops Redis and the MongoDB-wire server twice without leaking processes or ports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multivac-services-'));
    const env = { ...process.env, REDIS_URL: '', MONGODB_URI: '' };
    try {
      for (let round = 0; round < 2; round++) {
        const services = await startServices(join(dir, String(round)), { env });
        const redisPort = services.redis.port!;
        const mongoPort = services.mongo.port!;
        const pids = [services.redis.process!.pid, services.mongo.process!.pid];
        expect(await pingRedis(redisPort)).toBe(true);
        expect(await pingMongo(services.mongo.uri)).toBe(true);
        await services.stop();
        expect(pids.map(alive)).toEqual([false, false]);
        expect(await isListening(redisPort)).toBe(false);
        expect(await isListening(mongoPort)).toBe(false);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts a Redis and a MongoDB-wire server that died (kill -9) again by themselves, with their data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multivac-services-'));
    const lines: string[] = [];
    const env = { ...process.env, REDIS_URL: '', MONGODB_URI: '' };
    const services = await startServices(dir, { env, log: (line) => lines.push(line) });
    const client = new MongoClient(services.mongo.uri, { serverSelectionTimeoutMS: 2000 });
    try {
      await client
        .db('survivor')
        .collection('kept')
        .insertOne({ _id: 'before' as never });
      const redisPid = services.redis.process!.pid;
      const mongoPid = services.mongo.process!.pid;
      process.kill(redisPid, 'SIGKILL');
      process.kill(mongoPid, 'SIGKILL');
      await waitUntil(
        'both servers back',
        async () =>
          services.redis.process!.pid !== redisPid &&
          services.mongo.process!.pid !== mongoPid &&
          (await pingRedis(services.redis.port!)) &&
          (await pingMongo(services.mongo.uri)),
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      expect(alive(redisPid) || alive(mongoPid)).toBe(false);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^redis-server exited \(signal SIGKILL\).*restarting in/),
          expect.stringMatching(/^redis-server restarted \(pid \d+\)/),
          expect.stringMatching(new RegExp(`^${services.mongo.kind} exited \\(signal SIGKILL\\)`)),
          expect.stringMatching(new RegExp(`^${services.mongo.kind} restarted`)),
        ]),
      );
      // Same port, same data: what was written before the kill is still there.
      const kept = await client
        .db('survivor')
        .collection('kept')
        .findOne({ _id: 'before' as never });
      expect(kept).not.toBeNull();
    } finally {
      await client.close().catch(() => {});
      await services.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses REDIS_URL and MONGODB_URI as given, starting nothing', async () => {
    const services = await startServices('/nonexistent', {
      env: { ...process.env, REDIS_URL: 'redis://h:1', MONGODB_URI: 'mongodb://h:2/' },
    });
    expect(services.redis).toMatchObject({ kind: 'external', url: 'redis://h:1' });
    expect(services.mongo).toMatchObject({ kind: 'external', uri: 'mongodb://h:2/' });
    await services.stop();
  });
});
