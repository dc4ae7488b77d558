import { cloudEvent } from '@google-cloud/functions-framework';
import type { CloudEvent } from 'cloudevents';
import { HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { learnFunction } from '../../../functions/learn/function';
import { readJobList } from '../../../functions/learn/job-list';
import { answerView, INSUFFICIENT_ANSWER } from '../../../shared/knowledge/index';
import {
  EventType,
  makeEvent,
  type EventData,
  type EventTypeName,
} from '../../../shared/events/index';
import { contentHash } from '../../../shared/extract/index';
import { collections, createStore, type Store } from '../../../shared/store/index';
import { corpusText } from '../../corpus/text';
import { serveFunction, type RunningTestFunction } from '../../support/function-server';
import { servers, uniqueDbName, uniquePrefix } from '../../support/isolation';
import { startEventSink, type EventSink } from '../../support/sink';

const dbName = uniqueDbName('learn');
const BATCH = 2;
const prefix = uniquePrefix('learn').replaceAll(':', '.');
let sink: EventSink;
let fn: RunningTestFunction;
let store: Store;
let db: Db;
let redis: Redis;

const pages = corpusText();
const relevant = pages.filter((p) => p.relevant);
const irrelevant = pages.filter((p) => !p.relevant);

beforeAll(async () => {
  sink = await startEventSink();
  cloudEvent(
    'learn',
    learnFunction({
      MONGODB_URI: servers().mongoUri,
      MONGODB_DB: dbName,
      REDIS_URL: servers().redisUrl,
      K_SINK: sink.url,
      LOG_LEVEL: 'silent',
      MULTIVAC_CACHE_PREFIX: prefix,
      // Small batches, so that jobs of a few pages have several.
      MULTIVAC_LEARN_BATCH: String(BATCH),
    }),
  );
  fn = await serveFunction('learn', 'cloudevent');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
  redis = new Redis(servers().redisUrl);
});
afterAll(async () => {
  await fn.close();
  await sink.close();
  await db.dropDatabase().catch(() => {});
  await store.close();
  redis.disconnect();
});
beforeEach(async () => {
  sink.status = 202;
  sink.events.length = 0;
  for (const c of await db.collections()) await c.deleteMany({});
});

/** Delivers one event as the broker does (binary mode by default). */
async function deliver(event: CloudEvent<unknown>, mode: 'binary' | 'structured' = 'binary') {
  const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  return fetch(fn.url, {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
}

const ofType = (type: EventTypeName) => sink.events.filter((e) => e.type === type);
/** Every document the `document.learn` events received so far name. */
const learnBatches = () =>
  ofType(EventType.DocumentLearn) as CloudEvent<EventData<typeof EventType.DocumentLearn>>[];
const plannedDocuments = () => learnBatches().flatMap((e) => e.data!.documentIds);
const planOf = async (jobId: string) => (await readJobList(db, 'plan', jobId))?.ids;

async function addDocuments(texts: readonly { path: string; title: string; text: string }[]) {
  const { documents, sources } = collections(db);
  for (const page of texts) {
    const id = contentHash(page.text);
    const url = `http://corpus.test${page.path}`;
    const sourceId = `src-${id.slice(0, 20)}`;
    await documents.insertOne({
      _id: id,
      sourceIds: [sourceId],
      url,
      title: page.title,
      text: page.text,
      createdAt: new Date(),
    });
    await sources.insertOne({
      _id: sourceId,
      url,
      kind: 'url',
      state: 'acquired',
      documentId: id,
      title: page.title,
      requestedAt: new Date(),
      updatedAt: new Date(),
    });
  }
}

async function createJob(id: string) {
  await collections(db).jobs.insertOne({ _id: id, state: 'queued', createdAt: new Date() });
}

const requestLearning = (jobId: string) =>
  makeEvent(
    EventType.LearningRequested,
    { jobId },
    { source: '/multivac/process', id: `learning.requested:${jobId}` },
  );

/** Delivers every document.learn the sink has received (and not yet delivered), until none is left. */
async function drain(mode: 'binary' | 'structured' = 'structured') {
  const delivered = new Set<string>();
  for (;;) {
    const next = ofType(EventType.DocumentLearn).filter((e) => !delivered.has(e.id));
    if (next.length === 0) return delivered.size;
    for (const event of next) {
      delivered.add(event.id);
      const res = await deliver(event, mode);
      expect(res.status).toBe(204);
    }
  }
}

const job = (id: string) => collections(db).jobs.findOne({ _id: id });

describe('learn through the Functions Framework', () => {
  it('a job with nothing to learn succeeds at once', async () => {
    await createJob('job-empty');
    const res = await deliver(requestLearning('job-empty'));
    expect(res.status).toBe(204);
    expect(await job('job-empty')).toMatchObject({ state: 'succeeded', total: 0 });
    expect(learnBatches()).toHaveLength(0);
  });

  it('irrelevant pages learn to the insufficient answer', async () => {
    await addDocuments(irrelevant);
    await createJob('job-irrelevant');
    expect((await deliver(requestLearning('job-irrelevant'))).status).toBe(204);
    expect(plannedDocuments()).toHaveLength(irrelevant.length);
    expect(learnBatches()).toHaveLength(Math.ceil(irrelevant.length / BATCH));
    expect(learnBatches().every((e) => e.data!.total === irrelevant.length)).toBe(true);
    expect(await job('job-irrelevant')).toMatchObject({
      state: 'running',
      total: irrelevant.length,
    });
    await drain();
    const done = await job('job-irrelevant');
    expect(done).toMatchObject({
      state: 'succeeded',
      done: irrelevant.length,
      failed: 0,
      answerVersion: 1,
    });
    const answer = await collections(db).answers.findOne({ _id: 1 });
    expect(answer).toMatchObject({
      status: 'insufficient',
      answer: INSUFFICIENT_ANSWER,
      confidence: 0,
    });
    expect(ofType(EventType.AnswerUpdated).map((e) => e.data)).toEqual([
      { version: 1, status: 'insufficient', confidence: 0 },
    ]);
  });

  it('relevant pages answer with citations, write the answer through to Redis, and publish answer.updated', async () => {
    await addDocuments([...relevant.slice(0, 4), ...irrelevant.slice(0, 4)]);
    await createJob('job-a');
    await deliver(requestLearning('job-a'), 'structured');
    await drain('binary');
    const answer = await collections(db).answers.findOne({ jobId: 'job-a' });
    expect(answer?.status).toBe('answered');
    expect(answer!.confidence).toBeGreaterThan(0.5);
    expect(answer!.answer).toMatch(/\[1\]/);
    expect(answer!.answer).toContain('Sources:');
    const titles = new Set(relevant.slice(0, 4).map((p) => p.title));
    expect(answer!.sources.length).toBeGreaterThanOrEqual(2);
    for (const s of answer!.sources) expect(titles.has(s.title)).toBe(true);
    for (const s of answer!.sources) expect(s.url).toMatch(/^http:\/\/corpus\.test\/pages\//);

    const cached = answerView.parse(JSON.parse((await redis.get(`${prefix}:answer:current`))!));
    expect(cached).toMatchObject({
      status: 'answered',
      knowledgeVersion: String(answer!._id),
      answer: answer!.answer,
    });
    expect(ofType(EventType.AnswerUpdated).at(-1)?.data).toEqual({
      version: answer!._id,
      status: 'answered',
      confidence: answer!.confidence,
    });
    expect(await job('job-a')).toMatchObject({ state: 'succeeded', answerVersion: answer!._id });
  });

  it('duplicate deliveries of every event change nothing', async () => {
    await addDocuments(relevant.slice(0, 3));
    await createJob('job-dup');
    await deliver(requestLearning('job-dup'));
    await deliver(requestLearning('job-dup'));
    const learnEvents = learnBatches();
    // The re-planned delivery publishes the same ids, which the broker drops.
    const batches = Math.ceil(3 / BATCH);
    expect(new Set(learnEvents.map((e) => e.id)).size).toBe(batches);
    for (const event of learnEvents.slice(0, batches)) {
      await deliver(event);
      await deliver(event);
    }
    const passages = await collections(db).passages.countDocuments();
    const versions = await collections(db).answers.countDocuments();
    expect(versions).toBe(1);
    const snapshot = await job('job-dup');
    for (const event of learnEvents) expect((await deliver(event)).status).toBe(204);
    expect((await deliver(requestLearning('job-dup'))).status).toBe(204);
    for (const event of ofType(EventType.AnswerUpdated))
      expect((await deliver(event)).status).toBe(204);
    expect(await collections(db).passages.countDocuments()).toBe(passages);
    expect(await collections(db).answers.countDocuments()).toBe(versions);
    expect(await job('job-dup')).toEqual(snapshot);
  });

  it('two concurrent jobs learn each document once between them', async () => {
    await addDocuments(pages.slice(0, 12));
    await createJob('job-x');
    await createJob('job-y');
    await Promise.all([deliver(requestLearning('job-x')), deliver(requestLearning('job-y'))]);
    const plans = [(await planOf('job-x'))!, (await planOf('job-y'))!];
    const all = plans.flat();
    expect(all).toHaveLength(12);
    expect(new Set(all).size).toBe(12);
    // Deliver both jobs' documents interleaved and concurrently, each twice.
    const events = learnBatches();
    await Promise.all([...events, ...events].map((e) => deliver(e)));
    expect(await job('job-x')).toMatchObject({ state: 'succeeded' });
    expect(await job('job-y')).toMatchObject({ state: 'succeeded' });
    const learned = await collections(db)
      .documents.find({}, { projection: { learnedBy: 1 } })
      .toArray();
    expect(learned.every((d) => d.learnedBy === 'job-x' || d.learnedBy === 'job-y')).toBe(true);
    const passages = await collections(db)
      .passages.find({}, { projection: { _id: 1 } })
      .toArray();
    expect(new Set(passages.map((p) => p._id)).size).toBe(passages.length);
    const answers = await collections(db).answers.find().sort({ _id: 1 }).toArray();
    // One version per job that learned something (a job that lost every claim finishes empty).
    const learning = plans.filter((p) => p.length > 0).length;
    expect(answers.map((a) => a._id)).toEqual(learning === 2 ? [1, 2] : [1]);
    // The newest version was computed with every document learned.
    expect(answers.at(-1)!.stats?.documents).toBe(12);
  });

  it('waits for the sources still being fetched when the job started, then learns with them', async () => {
    await addDocuments(relevant.slice(0, 2));
    const page = relevant[2]!;
    const { sources, documents } = collections(db);
    await sources.insertOne({
      _id: 'src-pending',
      url: 'http://corpus.test/pending',
      kind: 'url',
      state: 'fetching',
      requestedAt: new Date(Date.now() - 1000),
      updatedAt: new Date(),
    });
    await sources.insertOne({
      _id: 'src-doomed',
      url: 'http://corpus.test/doomed',
      kind: 'url',
      state: 'requested',
      requestedAt: new Date(Date.now() - 1000),
      updatedAt: new Date(),
    });
    await createJob('job-wait');
    await deliver(requestLearning('job-wait'));
    // Waiting: nothing planned, nothing to learn yet.
    expect(await job('job-wait')).toMatchObject({ state: 'running' });
    expect((await job('job-wait'))?.total).toBeUndefined();
    expect(learnBatches()).toHaveLength(0);

    // acquire stores the document and marks the source before it publishes the outcome.
    const id = contentHash(page.text);
    await documents.insertOne({
      _id: id,
      sourceIds: ['src-pending'],
      url: 'http://corpus.test/pending',
      title: page.title,
      text: page.text,
      createdAt: new Date(),
    });
    await sources.updateOne(
      { _id: 'src-pending' },
      { $set: { state: 'acquired', documentId: id } },
    );
    const acquired = makeEvent(
      EventType.SourceAcquired,
      { sourceId: 'src-pending', documentId: id },
      { source: '/multivac/acquire', id: 'source.acquired:src-pending:1' },
    );
    expect((await deliver(acquired)).status).toBe(204);
    expect((await deliver(acquired)).status).toBe(204);
    expect(learnBatches()).toHaveLength(0);

    await sources.updateOne(
      { _id: 'src-doomed' },
      { $set: { state: 'failed', reason: 'HTTP 404' } },
    );
    const failed = makeEvent(
      EventType.SourceFailed,
      { sourceId: 'src-doomed', reason: 'HTTP 404' },
      { source: '/multivac/acquire', id: 'source.failed:src-doomed:1' },
    );
    expect((await deliver(failed)).status).toBe(204);
    expect((await deliver(failed)).status).toBe(204);

    // The last outcome planned the job: the 2 documents and the waited page's, plus the failure.
    expect(new Set(plannedDocuments())).toEqual(new Set([...(await planOf('job-wait'))!]));
    expect(plannedDocuments()).toHaveLength(3);
    expect(await job('job-wait')).toMatchObject({ state: 'running', total: 4 });
    await drain();
    expect(await job('job-wait')).toMatchObject({
      state: 'succeeded',
      total: 4,
      done: 3,
      failed: 1,
    });
    expect((await documents.findOne({ _id: id }))?.learnedBy).toBe('job-wait');
    const answer = await collections(db).answers.findOne({ jobId: 'job-wait' });
    expect(answer?.stats?.documents).toBe(3);
    // Its wait registrations and claims are gone with it.
    expect(await redis.get(`${prefix}:{waits}:src-pending`)).toBeNull();
    expect(await collections(db).claims.findOne({ _id: 'wait|src-pending' })).toBeNull();
  });

  it('a job whose pages were all fetched before it started does not wait', async () => {
    await addDocuments(relevant.slice(0, 3));
    await createJob('job-nowait');
    await deliver(requestLearning('job-nowait'));
    expect(plannedDocuments()).toHaveLength(3);
    await drain();
    expect(await job('job-nowait')).toMatchObject({ state: 'succeeded', total: 3, done: 3 });
  });

  it('finishes a job whose count Redis lost half-way, rebuilding it from MongoDB', async () => {
    await addDocuments(pages.slice(0, 6));
    await createJob('job-lost');
    await deliver(requestLearning('job-lost'));
    const [first, ...rest] = learnBatches();
    expect(rest).toHaveLength(2);
    expect((await deliver(first!)).status).toBe(204);
    expect(await redis.del(`${prefix}:fanin:{job|job-lost}`)).toBe(1);
    for (const event of rest) expect((await deliver(event)).status).toBe(204);
    // The first batch again: counted before the loss, so not counted twice after the rebuild.
    expect((await deliver(first!)).status).toBe(204);
    expect(await job('job-lost')).toMatchObject({
      state: 'succeeded',
      total: 6,
      done: 6,
      failed: 0,
    });
    expect(await collections(db).answers.countDocuments({ jobId: 'job-lost' })).toBe(1);
  });

  it('finds the waiting job in MongoDB when Redis lost its registrations', async () => {
    await addDocuments(relevant.slice(0, 1));
    const { sources } = collections(db);
    await sources.insertOne({
      _id: 'src-late',
      url: 'http://corpus.test/late',
      kind: 'url',
      state: 'fetching',
      requestedAt: new Date(Date.now() - 1000),
      updatedAt: new Date(),
    });
    await createJob('job-amnesia');
    await deliver(requestLearning('job-amnesia'));
    // Redis loses everything this test put there: registrations, their epoch, the wait count.
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await sources.updateOne({ _id: 'src-late' }, { $set: { state: 'failed', reason: 'HTTP 500' } });
    const failed = makeEvent(
      EventType.SourceFailed,
      { sourceId: 'src-late', reason: 'HTTP 500' },
      { source: '/multivac/acquire', id: 'source.failed:src-late:1' },
    );
    expect((await deliver(failed)).status).toBe(204);
    await drain();
    expect(await job('job-amnesia')).toMatchObject({
      state: 'succeeded',
      total: 2,
      done: 1,
      failed: 1,
    });
  });

  it('an outcome for a job that has not committed its wait yet is retried (500), not lost', async () => {
    const { sources, claims } = collections(db);
    await sources.insertOne({
      _id: 'src-early',
      url: 'http://corpus.test/early',
      kind: 'url',
      state: 'failed',
      reason: 'x',
      requestedAt: new Date(),
      updatedAt: new Date(),
    });
    await createJob('job-early');
    await claims.insertOne({ _id: 'wait|src-early', owner: 'job-early', at: new Date() });
    const failed = makeEvent(
      EventType.SourceFailed,
      { sourceId: 'src-early', reason: 'x' },
      { source: '/multivac/acquire', id: 'source.failed:src-early:1' },
    );
    expect((await deliver(failed)).status).toBe(500);
  });

  it('answers 400 to a malformed event and 204 to an event it does not take', async () => {
    const res = await fetch(fn.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-id': '1',
        'ce-source': '/x',
        'ce-specversion': '1.0',
        'ce-type': EventType.DocumentLearn,
      },
      body: JSON.stringify({ jobId: 'j' }),
    });
    expect(res.status).toBe(400);
    const other = makeEvent(
      EventType.SourceRequested,
      { sourceId: 's', url: 'https://example.org/' },
      { source: '/multivac/data' },
    );
    expect((await deliver(other)).status).toBe(204);
  });

  it('a sink that refuses makes the delivery fail so the broker retries', async () => {
    await addDocuments(relevant.slice(0, 1));
    await createJob('job-refused');
    sink.status = 503;
    expect((await deliver(requestLearning('job-refused'))).status).toBe(500);
    sink.status = 202;
    expect((await deliver(requestLearning('job-refused'))).status).toBe(204);
    expect(plannedDocuments()).toHaveLength(1);
  });
});
