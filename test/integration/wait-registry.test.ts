import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWaitRegistry } from '../../functions/learn/wait-registry';
import { createRedis, type RedisHandle } from '../../shared/redis/index';
import { servers, uniquePrefix } from '../support/isolation';

let handle: RedisHandle;
let raw: Redis;

beforeAll(() => {
  handle = createRedis(servers().redisUrl);
  raw = new Redis(servers().redisUrl);
});
afterAll(async () => {
  await handle.quit();
  raw.disconnect();
});

describe("learn's wait registry on a real Redis", () => {
  it('names the waiting job, nobody once released, and "unknown" on a Redis that knows nothing', async () => {
    const prefix = uniquePrefix('waits');
    const waits = createWaitRegistry({ redis: handle, prefix });
    expect(await waits.lookup('src-a')).toBe('unknown');
    await waits.register('job-1', ['src-a', 'src-b']);
    expect(await waits.lookup('src-a')).toBe('job-1');
    await waits.release(['src-a']);
    expect(await waits.lookup('src-a')).toBeNull();
    expect(await waits.lookup('src-b')).toBe('job-1');
  });

  it('keeps registrations out of eviction: none has a TTL (volatile-lru evicts only those)', async () => {
    const prefix = uniquePrefix('waits');
    await createWaitRegistry({ redis: handle, prefix }).register('job-2', ['src-c']);
    const keys = await raw.keys(`${prefix}:*`);
    expect(keys.length).toBe(2); // the registration and #epoch
    for (const key of keys) expect(await raw.ttl(key)).toBe(-1);
  });
});
