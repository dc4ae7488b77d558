import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isListening, pingMongo, pingRedis, startServices } from '../../tools/services/index';

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

  it('uses REDIS_URL and MONGODB_URI as given, starting nothing', async () => {
    const services = await startServices('/nonexistent', {
      env: { ...process.env, REDIS_URL: 'redis://h:1', MONGODB_URI: 'mongodb://h:2/' },
    });
    expect(services.redis).toMatchObject({ kind: 'external', url: 'redis://h:1' });
    expect(services.mongo).toMatchObject({ kind: 'external', uri: 'mongodb://h:2/' });
    await services.stop();
  });
});
