import { http } from '@google-cloud/functions-framework';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processFunction } from '../../../functions/process/function';
import { EventType } from '../../../shared/events/index';
import {
  collections,
  createStore,
  fanIn,
  jobFanInKey,
  type SourceDoc,
  type SourceState,
  type Store,
} from '../../../shared/store/index';
import { serveFunction, type RunningTestFunction } from '../../support/function-server';
import { servers, uniqueDbName } from '../../support/isolation';
import { startEventSink, type EventSink } from '../../support/sink';

const dbName = uniqueDbName('process');
let sink: EventSink;
let fn: RunningTestFunction;
let store: Store;
let db: Db;

beforeAll(async () => {
  sink = await startEventSink();
  http(
    'process',
    processFunction({
      MONGODB_URI: servers().mongoUri,
      MONGODB_DB: dbName,
      K_SINK: sink.url,
      LOG_LEVEL: 'silent',
    }),
  );
  fn = await serveFunction('process', 'http');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
});
afterAll(async () => {
  await fn.close();
  await sink.close();
  await db.dropDatabase().catch(() => {});
  await store.close();
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

  it('reports live progress of a running job from its fan-in facts', async () => {
    const { jobId } = (await (await fetch(`${fn.url}/multivac`, { method: 'POST' })).json()) as {
      jobId: string;
    };
    await collections(db).jobs.updateOne(
      { _id: jobId },
      { $set: { state: 'running', total: 3, startedAt: new Date() } },
    );
    await fanIn(db, jobFanInKey(jobId), 'doc:a', 3);
    await fanIn(db, jobFanInKey(jobId), 'src:b', 3, 'failed');
    expect(await (await fetch(`${fn.url}/multivac/jobs/${jobId}`)).json()).toMatchObject({
      state: 'running',
      total: 3,
      done: 1,
      failed: 1,
    });
  });

  it('counts the pages a running job still waits to be fetched', async () => {
    const job = async (id: string) =>
      (await (await fetch(`${fn.url}/multivac/jobs/${id}`)).json()) as {
        state: string;
        fetching: number | null;
      };
    const { jobId } = (await (await fetch(`${fn.url}/multivac`, { method: 'POST' })).json()) as {
      jobId: string;
    };
    expect(await job(jobId)).toMatchObject({ state: 'queued', fetching: null });

    const now = new Date();
    const source = (id: string, state: SourceState): SourceDoc => ({
      _id: `${jobId}-${id}`,
      url: `https://example.org/${jobId}/${id}`,
      kind: 'url',
      state,
      requestedAt: now,
      updatedAt: now,
    });
    const { jobs, plans, sources } = collections(db);
    await sources.insertMany([
      source('a', 'requested'),
      source('b', 'fetching'),
      source('c', 'acquired'),
      source('d', 'failed'),
      source('e', 'fetching'), // fetching, but not for this job
    ]);
    await plans.insertOne({
      _id: jobId,
      documents: ['some-document'],
      sources: ['a', 'b', 'c', 'd'].map((id) => `${jobId}-${id}`),
      createdAt: now,
    });
    await jobs.updateOne({ _id: jobId }, { $set: { state: 'running', total: 5, startedAt: now } });
    expect(await job(jobId)).toMatchObject({ state: 'running', fetching: 2 });

    await jobs.updateOne(
      { _id: jobId },
      { $set: { state: 'succeeded', done: 4, failed: 1, finishedAt: new Date() } },
    );
    expect(await job(jobId)).toMatchObject({ state: 'succeeded', fetching: 0 });
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
});
