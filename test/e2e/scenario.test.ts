/**
 * The scenario of the functions issue across every function and the broker, through the gateway
 * of a stack started as `npm start` starts it: irrelevant pages never answer; relevant pages fed
 * and learned at once answer, citing only them; two concurrent jobs share no document; duplicate
 * deliveries of every event type, through the broker, change nothing stored (a digest of every
 * stored document, compared before and after).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudEvent, HTTP } from 'cloudevents';
import { readJobList } from '../../functions/learn/job-list';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../shared/events/index';
import { startCorpusServer, type CorpusServer } from '../corpus/server';
import { CORPUS } from '../corpus/manifest';
import { storedDigests } from '../support/digest';
import { uniqueDbName } from '../support/isolation';
import {
  eventually,
  isolatedStackEnv,
  startTestStack,
  tailOnFailure,
  type TestStack,
} from './support/stack';

const INSUFFICIENT = 'INSUFFICIENT DATA FOR MEANINGFUL ANSWER.';
const JOB_TIMEOUT_MS = 150_000;

let dataDir: string;
let corpus: CorpusServer;
let stack: TestStack;
let client: MongoClient;
let db: Db;
const dbName = uniqueDbName('scenario');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'multivac-scenario-'));
  corpus = await startCorpusServer();
  stack = await startTestStack({
    dataDir,
    idleSeconds: 30,
    env: isolatedStackEnv('scenario', dbName),
  });
  client = new MongoClient(stack.services.mongo.uri);
  db = client.db(dbName);
});

afterAll(async () => {
  await client?.close();
  await stack?.stop();
  await corpus?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(tailOnFailure(() => stack));

const call = (path: string, init?: RequestInit) => stack.call(path, init);

interface AnswerJson {
  status: 'insufficient' | 'answered';
  answer: string;
  confidence: number;
  sources: { n: number; url?: string; title: string }[];
  knowledgeVersion: string;
}

const answerJson = async () =>
  (await (
    await call('/multivac', { headers: { accept: 'application/json' } })
  ).json()) as AnswerJson;

const pageUrl = (file: string) => `${corpus.baseUrl}/pages/${file}`;
const relevant = CORPUS.filter((p) => p.relevant).map((p) => p.file);
const irrelevant = CORPUS.filter((p) => !p.relevant).map((p) => p.file);

async function feed(files: readonly string[]) {
  for (const file of files) {
    const res = await call('/multivac/data', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: pageUrl(file) }),
    });
    expect(res.status, file).toBe(202);
  }
}

async function startJob(): Promise<string> {
  const res = await call('/multivac', { method: 'POST' });
  expect(res.status).toBe(202);
  return ((await res.json()) as { jobId: string }).jobId;
}

async function finished(jobId: string) {
  return eventually(
    `job ${jobId} succeeded`,
    async () => {
      const job = (await (await call(`/multivac/jobs/${jobId}`)).json()) as {
        state: string;
        total: number;
        done: number;
        failed: number;
      };
      if (job.state === 'failed') throw new Error(`job ${jobId} failed: ${JSON.stringify(job)}`);
      return job.state === 'succeeded' ? job : undefined;
    },
    { timeoutMs: JOB_TIMEOUT_MS, everyMs: 500 },
  );
}

/** Waits until the broker has delivered everything (no lag, nothing pending, for every trigger). */
async function settled() {
  await eventually(
    'the broker drained',
    async () => {
      const stats = (await (await fetch(`${stack.adminUrl}/stats`)).json()) as {
        triggers: { pending: number | null; lag: number | null }[];
      };
      return stats.triggers.every((t) => (t.pending ?? 0) === 0 && (t.lag ?? 0) === 0)
        ? true
        : undefined;
    },
    { timeoutMs: 60_000, everyMs: 300 },
  );
}

/** The suffix of the copies re-sent with a fresh id, which only the functions' idempotency absorbs. */
const FRESH = ':again';

/**
 * A digest of every stored document, per collection. Left out: the processed-event markers of the
 * fresh-id copies — recording that such a copy was handled is how a function absorbs it.
 */
const stored = () =>
  storedDigests(db, { exclude: { processed_events: { _id: { $regex: `${FRESH}$` } } } });

describe('the scenario across functions and the broker', () => {
  it('knows nothing at first', async () => {
    expect(await (await call('/multivac')).text()).toBe(INSUFFICIENT);
  });

  it('irrelevant pages, fed and learned at once, leave it insufficient', async () => {
    await feed(irrelevant);
    const job = await finished(await startJob());
    expect(job).toMatchObject({ total: irrelevant.length, done: irrelevant.length, failed: 0 });
    expect(await (await call('/multivac')).text()).toBe(INSUFFICIENT);
    expect(await answerJson()).toMatchObject({ status: 'insufficient', sources: [] });
  });

  it('relevant pages, fed and learned at once by two concurrent jobs, answer citing only them', async () => {
    const chosen = relevant.slice(0, 6);
    await feed(chosen);
    const [a, b] = await Promise.all([startJob(), startJob()]);
    const jobs = await Promise.all([finished(a), finished(b)]);
    for (const job of jobs) expect(job.failed).toBe(0);
    const learnedBy = await db
      .collection<{ documentId: string }>('sources')
      .find({ url: { $in: chosen.map(pageUrl) } })
      .toArray();
    const docs = await db
      .collection<{ _id: string; learnedBy?: string }>('documents')
      .find({ _id: { $in: learnedBy.map((s) => s.documentId) } })
      .toArray();
    expect(docs).toHaveLength(chosen.length);
    for (const doc of docs) expect([a, b]).toContain(doc.learnedBy);

    const plans = await Promise.all([a, b].map((jobId) => readJobList(db, 'plan', jobId)));
    const planned = plans.flatMap((p) => p?.ids ?? []);
    expect(new Set(planned).size).toBe(planned.length);

    const answer = await answerJson();
    expect(answer.status).toBe('answered');
    expect(answer.confidence).toBeGreaterThan(0.5);
    expect(answer.sources.length).toBeGreaterThanOrEqual(2);
    const allowed = new Set(chosen.map(pageUrl));
    for (const source of answer.sources) expect(allowed.has(source.url!), source.url).toBe(true);
    const text = await (await call('/multivac')).text();
    expect(text).toBe(answer.answer);
    expect(text).toMatch(/\[1\]/);
    console.log(
      `scenario answer (text):\n${text}\n\nscenario answer (JSON):\n${JSON.stringify(answer, null, 2)}`,
    );
  });

  it('duplicate deliveries of every event type, through the broker, change nothing stored', async () => {
    await settled();
    const before = await stored();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['sources', 'documents', 'passages', 'answers', 'jobs']),
    );
    const answerBefore = await answerJson();
    const source = await db
      .collection<{ _id: string; url: string; requestedAt: Date; documentId: string }>('sources')
      .findOne({ state: 'acquired' });
    const job = await db.collection<{ _id: string }>('jobs').findOne({ state: 'succeeded' });
    const plan = await readJobList(db, 'plan', job!._id);
    const documentId = plan?.ids[0] ?? source!.documentId;
    const version = Number(answerBefore.knowledgeVersion);

    const events: { type: string; source: string; id: string; data: unknown }[] = [
      {
        type: EventType.SourceRequested,
        source: '/multivac/data',
        id: `source.requested:${source!._id}:${source!.requestedAt.getTime()}`,
        data: { sourceId: source!._id, url: source!.url },
      },
      {
        type: EventType.SourceAcquired,
        source: '/multivac/acquire',
        id: `source.acquired:${source!._id}:${source!.requestedAt.getTime()}`,
        data: { sourceId: source!._id, documentId: source!.documentId },
      },
      {
        type: EventType.SourceFailed,
        source: '/multivac/acquire',
        id: `source.failed:${source!._id}:1`,
        data: { sourceId: source!._id, reason: 'a stale failure' },
      },
      {
        type: EventType.LearningRequested,
        source: '/multivac/process',
        id: `learning.requested:${job!._id}`,
        data: { jobId: job!._id },
      },
      {
        type: EventType.DocumentLearn,
        source: '/multivac/learn',
        id: `document.learn:${job!._id}:0`,
        data: { jobId: job!._id, documentIds: [documentId], total: 1 },
      },
      {
        type: EventType.AnswerUpdated,
        source: '/multivac/learn',
        id: `answer.updated:${version}`,
        data: { version, status: answerBefore.status, confidence: answerBefore.confidence },
      },
    ];
    // Each twice with its original id (the broker recognises those) and once with a fresh id
    // (which only the functions' own idempotency can absorb).
    const copies = events.flatMap((e) => [e, e, { ...e, id: `${e.id}${FRESH}` }]);
    for (const e of copies) {
      const message = HTTP.binary(
        new CloudEvent({ ...e, specversion: '1.0', datacontenttype: 'application/json' }),
      );
      const res = await fetch(stack.brokerUrl, {
        method: 'POST',
        headers: message.headers as Record<string, string>,
        body: message.body as string,
      });
      expect(res.status, e.type).toBeLessThan(300);
    }
    await settled();
    expect(await stored()).toEqual(before);
    const answerAfter = await answerJson();
    expect(answerAfter.knowledgeVersion).toBe(answerBefore.knowledgeVersion);
    expect(answerAfter.answer).toBe(answerBefore.answer);
    const dead = (await (await fetch(`${stack.adminUrl}/stats`)).json()) as { deadLetters: number };
    expect(dead.deadLetters).toBe(0);
  });
});
