import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCache, getCachedAnswer, setCachedAnswer } from '../../shared/cache/index';
import { createRedis } from '../../shared/redis/index';
import { type AnswerView } from '../../shared/knowledge/index';
import { servers, uniquePrefix } from '../support/isolation';

const redis = createRedis(servers().redisUrl);
const namespace = uniquePrefix('cache');
const cache = createCache(redis, namespace);
afterAll(() => redis.quit());

describe('cache', () => {
  it('namespaces keys', () => {
    expect(cache.key('answer', 'current')).toBe(`${namespace}:answer:current`);
  });

  it('round-trips JSON and always sets a TTL', async () => {
    await cache.set(cache.key('x'), { a: 1 }, 60);
    expect(await cache.get(cache.key('x'), z.object({ a: z.number() }))).toEqual({ a: 1 });
    const ttl = await (await redis.client()).ttl(cache.key('x'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('expires entries after their TTL', async () => {
    await cache.set(cache.key('short'), 'v', 1);
    expect(await cache.get(cache.key('short'), z.string())).toBe('v');
    await new Promise((r) => setTimeout(r, 2100));
    expect(await cache.get(cache.key('short'), z.string())).toBeNull();
  });

  it('treats unreadable or foreign entries as misses', async () => {
    const client = await redis.client();
    await client.set(cache.key('garbage'), '{not json', 'EX', 60);
    expect(await cache.get(cache.key('garbage'), z.object({}))).toBeNull();
    await client.set(cache.key('answer', 'current'), JSON.stringify({ status: 'other' }), 'EX', 60);
    expect(await getCachedAnswer(cache)).toBeNull();
  });

  it('stores and reads the current answer', async () => {
    const answer: AnswerView = {
      status: 'answered',
      answer: 'Entropy … [1]',
      confidence: 0.62,
      sources: [{ n: 1, url: 'https://a.example/', title: 'A' }],
      knowledgeVersion: '7',
      updatedAt: new Date().toISOString(),
    };
    await setCachedAnswer(cache, answer, 30);
    expect(await getCachedAnswer(cache)).toEqual(answer);
  });
});
