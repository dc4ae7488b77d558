import { http } from '@google-cloud/functions-framework';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processFunction } from '../../../functions/process/function';
import { EventType } from '../../../shared/events/index';
import { createFanIn, type FanIn } from '../../../shared/fan-in/index';
import { createRedis, type RedisHandle } from '../../../shared/redis/index';
import {
  collections,
  createStore,
  jobFanInKey,
  jobWaitKey,
  type Store,
} from '../../../shared/store/index';
import { serveFunction, type RunningTestFunction } from '../../support/function-server';
import { servers, uniqueDbName, uniquePrefix } from '../../support/isolation';
import { startEventSink, type EventSink } from '../../support/sink';

const dbName = uniqueDbName('process');
const prefix = uniquePrefix('process');
let sink: EventSink;
let redis: RedisHandle;
let counts: FanIn;
let fn: RunningTestFunction;
/** Two learning jobs a minute per client address. */
let limited: RunningTestFunction;
let store: Store;
let db: Db;

beforeAll(async () => {
  sink = await startEventSink();
  const env = (extra: Record<string, string> = {}) => ({
    MONGODB_URI: servers().mongoUri,
    MONGODB_DB: dbName,
    K_SINK: sink.url,
    REDIS_URL: servers().redisUrl,
    MULTIVAC_CACHE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ...extra,
  });
  http('process', processFunction(env()));
  fn = await serveFunction('process', 'http');
  http('process-limited', processFunction(env({ MULTIVAC_RATE_LIMIT_PER_MINUTE: '2' })));
  limited = await serveFunction('process-limited', 'http');
  redis = createRedis(servers().redisUrl);
  counts = createFanIn({ redis, prefix });
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
});
afterAll(async () => {
  await fn.close();
  await limited.close();
  await sink.close();
  await db.dropDatabase().catch(() => {});
  await store.close();
  await redis.quit();
});
beforeEach(() => {
  sink.status = 202;
  sink.events.length = 0;
});

describe('process through the Functions Framework', () => {
  it('POST /multivac queues a job and publishes learning.requested', async () => {
    const res = await fetch(`${fn.url}/multivac`, { method: 'POST' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { jobId: string; state: string };
    expect(body.state).toBe('queued');
    expect(res.headers.get('location')).toBe(`/multivac/jobs/${body.jobId}`);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      type: EventType.LearningRequested,
      source: '/multivac/process',
      data: { jobId: body.jobId },
    });

    const job = await fetch(`${fn.url}/multivac/jobs/${body.jobId}`);
    expect(job.status).toBe(200);
    expect(await job.json()).toMatchObject({
      jobId: body.jobId,
      state: 'queued',
      total: null,
      done: 0,
      failed: 0,
      startedAt: null,
    });
  });

  it('answers 503 when the broker refuses, and records the job as failed', async () => {
    sink.status = 500;
    const res = await fetch(`${fn.url}/multivac`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const failed = await collections(db).jobs.find({ state: 'failed' }).toArray();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(/could not be queued/);
  });

  it("reports live progress from learn's counts: pages still being fetched, then documents", async () => {
    const { jobId } = (await (await fetch(`${fn.url}/multivac`, { method: 'POST' })).json()) as {
      jobId: string;
    };
    const view = async () => (await fetch(`${fn.url}/multivac/jobs/${jobId}`)).json();
    const noRecord = async () => null;
    await collections(db).jobs.updateOne(
      { _id: jobId },
      { $set: { state: 'running', startedAt: new Date() } },
    );
    // Waiting for 3 pages being fetched: one has come in.
    await counts.open(jobWaitKey(jobId), 3);
    await counts.count(db, jobWaitKey(jobId), [{ member: 's1', outcome: 'done' }], 's1', noRecord);
    expect(await view()).toMatchObject({ state: 'running', total: null, fetching: 2, done: 0 });
    // Planned: 3 documents to learn, one learned, one vanished.
    await collections(db).jobs.updateOne({ _id: jobId }, { $set: { total: 3 } });
    await counts.open(jobFanInKey(jobId), 3);
    await counts.count(
      db,
      jobFanInKey(jobId),
      [
        { member: 'doc:a', outcome: 'done' },
        { member: 'doc:b', outcome: 'failed' },
      ],
      'doc:a',
      noRecord,
    );
    expect(await view()).toMatchObject({
      state: 'running',
      total: 3,
      done: 1,
      failed: 1,
      fetching: 0,
    });
  });

  it('shows the recorded counts when Redis cannot tell', async () => {
    const { jobId } = (await (await fetch(`${fn.url}/multivac`, { method: 'POST' })).json()) as {
      jobId: string;
    };
    await collections(db).jobs.updateOne(
      { _id: jobId },
      { $set: { state: 'running', total: 5, startedAt: new Date() } },
    );
    expect(await (await fetch(`${fn.url}/multivac/jobs/${jobId}`)).json()).toMatchObject({
      state: 'running',
      total: 5,
      done: 0,
      failed: 0,
    });
  });

  it.each([
    ['GET', '/multivac/jobs/nope', 404],
    ['GET', `/multivac/jobs/${'x'.repeat(200)}`, 404],
    ['GET', '/multivac/jobs/a%20b', 404],
    ['DELETE', '/multivac', 405],
    ['GET', '/elsewhere', 404],
  ])('%s %s → %i problem+json', async (method, path, status) => {
    const res = await fetch(fn.url + path, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('limits learning jobs per client address with 429 and Retry-After, and starts none past it', async () => {
    const start = (client: string) =>
      fetch(`${limited.url}/multivac`, {
        method: 'POST',
        headers: { 'x-forwarded-for': client },
      });
    expect((await start('203.0.113.20')).status).toBe(202);
    expect((await start('203.0.113.20')).status).toBe(202);
    const jobsBefore = await collections(db).jobs.countDocuments();
    const refused = await start('203.0.113.20');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('learning jobs a minute');
    expect(await collections(db).jobs.countDocuments()).toBe(jobsBefore);
    expect(sink.events).toHaveLength(2);
    // Another client has a window of its own.
    expect((await start('203.0.113.21')).status).toBe(202);
  });
});
