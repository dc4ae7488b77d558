import { http } from '@google-cloud/functions-framework';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { questionFunction } from '../../../functions/question/function';
import {
  createCache,
  fillCachedAnswer,
  getCachedAnswer,
  setCachedAnswer,
} from '../../../shared/cache/index';
import { createRedis } from '../../../shared/redis/index';
import { INSUFFICIENT_ANSWER, NO_ANSWER, type AnswerView } from '../../../shared/knowledge/index';
import { collections, createStore, type AnswerDoc, type Store } from '../../../shared/store/index';
import { serveFunction, type RunningTestFunction } from '../../support/function-server';
import { servers, uniqueDbName, uniquePrefix } from '../../support/isolation';

const dbName = uniqueDbName('question');
const namespace = uniquePrefix('question');
const memoryNamespace = uniquePrefix('question-memory');
let fn: RunningTestFunction;
let held: RunningTestFunction;
let down: RunningTestFunction;
let store: Store;
let db: Db;
const redis = createRedis(servers().redisUrl);
const cache = createCache(redis, namespace);

const answerDoc = (version: number, text: string): AnswerDoc => ({
  _id: version,
  status: 'answered',
  answer: text,
  confidence: 0.5,
  sources: [{ n: 1, url: 'https://a.example/', title: 'A' }],
  knowledgeVersion: String(version),
  updatedAt: new Date('2026-01-02T03:04:05Z'),
});

beforeAll(async () => {
  const env = {
    REDIS_URL: servers().redisUrl,
    MONGODB_URI: servers().mongoUri,
    MONGODB_DB: dbName,
    MULTIVAC_CACHE_PREFIX: namespace,
    LOG_LEVEL: 'silent',
  };
  // These tests change Redis and MongoDB between requests: no answer held in memory.
  http('question', questionFunction({ ...env, MULTIVAC_ANSWER_MAX_STALE_MS: '0' }));
  fn = await serveFunction('question', 'http');
  // As deployed: the answer held in memory, replaced when learn announces a new version.
  http(
    'question-memory',
    questionFunction({
      ...env,
      MULTIVAC_CACHE_PREFIX: memoryNamespace,
      MULTIVAC_ANSWER_MAX_STALE_MS: '60000',
    }),
  );
  held = await serveFunction('question-memory', 'http');

  // The same function with Redis unreachable: it must still answer from MongoDB.
  http('question-no-redis', questionFunction({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }));
  down = await serveFunction('question-no-redis', 'http');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
});
afterAll(async () => {
  await fn.close();
  await held.close();
  await down.close();
  await db.dropDatabase().catch(() => {});
  await store.close();
  await redis.quit();
});
beforeEach(async () => {
  await cache.delete(cache.key('answer', 'current'));
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(fn.url + path, { headers });

describe('question through the Functions Framework', () => {
  it('GET / welcomes', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Welcome to MultiVAC!');
  });

  it('says exactly INSUFFICIENT DATA FOR MEANINGFUL ANSWER. before anything was learned', async () => {
    const text = await get('/multivac');
    expect(text.status).toBe(200);
    expect(await text.text()).toBe(INSUFFICIENT_ANSWER);
    expect(text.headers.get('etag')).toBe('"kv0-text"');
    const json = await get('/multivac', { accept: 'application/json' });
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual(NO_ANSWER);
  });

  it('serves the newest answer from MongoDB on a cache miss and refills the cache', async () => {
    await collections(db).answers.insertMany([
      answerDoc(1, 'old [1]'),
      answerDoc(2, 'Entropy … [1]'),
    ]);
    const res = await get('/multivac');
    expect(await res.text()).toBe('Entropy … [1]');
    expect(res.headers.get('etag')).toBe('"kv2-text"');
    const cached = await (await redis.client()).get(cache.key('answer', 'current'));
    expect(JSON.parse(cached!)).toMatchObject({ knowledgeVersion: '2', answer: 'Entropy … [1]' });
    expect(await (await redis.client()).ttl(cache.key('answer', 'current'))).toBeGreaterThan(0);
  });

  it('prefers the cache, which learn writes through', async () => {
    const fresh: AnswerView = {
      ...NO_ANSWER,
      status: 'answered',
      answer: 'from the cache [1]',
      knowledgeVersion: '9',
      confidence: 0.9,
      sources: [{ n: 1, title: 'T' }],
    };
    await setCachedAnswer(cache, fresh, 60);
    expect(await (await get('/multivac')).text()).toBe('from the cache [1]');
    expect(await (await get('/multivac', { accept: 'application/json' })).json()).toEqual(fresh);
  });

  it.each([
    [{ 'if-none-match': '"kv2-text"' }, 304],
    [{ 'if-none-match': 'W/"kv2-text"' }, 304],
    [{ 'if-none-match': '"kv1-text"' }, 200],
    [{ 'if-none-match': '"kv2-text"', accept: 'application/json' }, 200],
    [{ 'if-none-match': '"kv2-json"', accept: 'application/json' }, 304],
  ])('revalidates by knowledge version and representation: %j → %i', async (headers, status) => {
    const res = await get('/multivac', headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('vary')).toBe('Accept');
    if (status === 304) expect(await res.text()).toBe('');
  });

  it('answers from MongoDB when Redis is unreachable', async () => {
    const res = await fetch(`${down.url}/multivac`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Entropy … [1]');
  });

  it('answers 100 concurrent requests on a cold cache with one answer', async () => {
    const bodies = await Promise.all(
      Array.from({ length: 100 }, () => get('/multivac').then((r) => r.text())),
    );
    expect(new Set(bodies)).toEqual(new Set(['Entropy … [1]']));
  });

  it.each([
    ['POST', '/multivac', 405],
    ['GET', '/multivac/other', 404],
  ])('%s %s → %i problem+json', async (method, path, status) => {
    const res = await fetch(fn.url + path, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('the answer held in memory', () => {
  const view = (version: number, answer: string): AnswerView => ({
    ...NO_ANSWER,
    status: 'answered',
    answer,
    knowledgeVersion: String(version),
    confidence: 0.5,
    sources: [{ n: 1, title: 'T' }],
  });
  const text = async (base: string) => (await fetch(`${base}/multivac`)).text();

  it('is served without asking Redis, until learn announces a newer version', async () => {
    const memoryCache = createCache(redis, memoryNamespace);
    await setCachedAnswer(memoryCache, view(1, 'zeroth [1]'), 60);
    expect(await text(held.url)).toBe('zeroth [1]');
    // Its subscription starts with its first request (when deployed, as soon as it listens):
    // once an announced version has reached it, it is subscribed.
    await setCachedAnswer(memoryCache, view(2, 'first [1]'), 60);
    await expect.poll(() => text(held.url), { timeout: 5000, interval: 50 }).toBe('first [1]');
    // Changed behind its back (no announcement): it keeps serving what it holds.
    await memoryCache.set(memoryCache.key('answer', 'current'), view(3, 'quiet [1]'), 60);
    expect(await text(held.url)).toBe('first [1]');
    // Announced, as learn does it: the next request gets the new version.
    await setCachedAnswer(memoryCache, view(4, 'announced [1]'), 60);
    await expect.poll(() => text(held.url), { timeout: 5000, interval: 50 }).toBe('announced [1]');
  });

  it('is forgotten when its subscription breaks, since announcements may have been missed', async () => {
    const memoryCache = createCache(redis, memoryNamespace);
    await setCachedAnswer(memoryCache, view(5, 'held [1]'), 60);
    await expect.poll(() => text(held.url), { timeout: 5000, interval: 50 }).toBe('held [1]');
    await memoryCache.set(memoryCache.key('answer', 'current'), view(6, 'missed [1]'), 60);
    expect(await text(held.url)).toBe('held [1]');
    // Redis drops the subscriber's connection (a restart, a failover): what it holds is dropped,
    // the next request reads Redis, and the subscription comes back by itself.
    await (await redis.client()).call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await expect.poll(() => text(held.url), { timeout: 5000, interval: 50 }).toBe('missed [1]');
    await setCachedAnswer(memoryCache, view(7, 'resubscribed [1]'), 60);
    await expect
      .poll(() => text(held.url), { timeout: 10_000, interval: 100 })
      .toBe('resubscribed [1]');
  });
});

describe('refilling the cache from MongoDB', () => {
  it('never replaces a newer answer learn wrote meanwhile', async () => {
    const raceCache = createCache(redis, uniquePrefix('question-race'));
    // learn stored and cached version 6 while question was reading version 5 from MongoDB.
    await setCachedAnswer(raceCache, { ...NO_ANSWER, knowledgeVersion: '6', answer: 'six' }, 60);
    expect(
      await fillCachedAnswer(
        raceCache,
        { ...NO_ANSWER, knowledgeVersion: '5', answer: 'five' },
        60,
      ),
    ).toBe(false);
    const current = await getCachedAnswer(raceCache);
    expect(current?.knowledgeVersion).toBe('6');
  });
});
