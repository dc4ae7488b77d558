/**
 * Hostile input at the public HTTP functions (question, process, data), served through the
 * Functions Framework exactly as their containers serve them, against the real Redis and
 * MongoDB-wire server: thousands of generated requests with random methods, paths, headers,
 * content types, encodings, bodies and sizes. Never a 5xx, every request answered (or, for a body
 * refused unread, the connection closed), the process still serving afterwards, and nothing stored
 * changed by a request that was refused.
 */
import { Agent } from 'node:http';
import { http } from '@google-cloud/functions-framework';
import fc from 'fast-check';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFunction } from '../../functions/data/function';
import { processFunction } from '../../functions/process/function';
import { questionFunction } from '../../functions/question/function';
import { createCache, getCachedAnswer, setCachedAnswer } from '../../shared/cache/index';
import { createRedis } from '../../shared/redis/index';
import {
  answerToView,
  collections,
  createStore,
  type AnswerDoc,
  type Store,
} from '../../shared/store/index';
import { serveFunction, type RunningTestFunction } from '../support/function-server';
import { snapshot } from '../support/digest';
import { servers, uniqueDbName, uniquePrefix } from '../support/isolation';
import { startEventSink, type EventSink } from '../support/sink';
import {
  check,
  describeRequest,
  hostileRequest,
  plausibleRequest,
  rawRequest,
  send,
  sendRaw,
  verdict,
  type HostileRequest,
} from './support/hostile';

/** Generated requests per function (≥ 10,000 in all with the CloudEvent fuzzing). */
const RUNS = { question: 2_500, process: 2_500, data: 3_500, raw: 300 };

const SEEDED_ANSWER: AnswerDoc = {
  _id: 1,
  status: 'answered',
  answer:
    'Entropy can be reversed locally, at a price paid elsewhere [1].\n\n[1] A — https://a.example/',
  confidence: 0.5,
  sources: [{ n: 1, url: 'https://a.example/', title: 'A' }],
  knowledgeVersion: '1',
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

const dbName = uniqueDbName('fuzz');
const prefix = uniquePrefix('fuzz').replaceAll(':', '.');
const redis = createRedis(servers().redisUrl);
const cache = createCache(redis, prefix);
let sink: EventSink;
let store: Store;
let db: Db;
const fns: Record<string, RunningTestFunction> = {};
/** Requests sent, by function, for the report at the end. */
const sent: Record<
  string,
  { total: number; byStatus: Record<string, number>; sendMs: number; snapshotMs: number }
> = {};

beforeAll(async () => {
  sink = await startEventSink();
  const env = {
    REDIS_URL: servers().redisUrl,
    MONGODB_URI: servers().mongoUri,
    MONGODB_DB: dbName,
    K_SINK: sink.url,
    LOG_LEVEL: 'silent',
    MULTIVAC_CACHE_PREFIX: prefix,
    // High enough that the fuzzer reaches the handlers; the limiter itself is tested elsewhere.
    MULTIVAC_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  http('question', questionFunction(env));
  http('process', processFunction(env));
  http('data', dataFunction(env));
  for (const name of ['question', 'process', 'data']) fns[name] = await serveFunction(name, 'http');
  store = createStore({ uri: servers().mongoUri, dbName });
  db = await store.db();
  await collections(db).answers.insertOne(SEEDED_ANSWER);
  await setCachedAnswer(cache, answerToView(SEEDED_ANSWER), 3600);
  // Something stored for every function to find, so that refusals are checked against real data.
  await fetch(`${fns.data!.url}/multivac/data`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://fuzz.invalid/seed' }),
  }).then((r) => expect(r.status).toBe(202));
  await fetch(`${fns.process!.url}/multivac`, { method: 'POST' }).then((r) =>
    expect(r.status).toBe(202),
  );
});

afterAll(async () => {
  for (const fn of Object.values(fns)) await fn.close();
  await sink?.close();
  await db?.dropDatabase().catch(() => {});
  await store?.close();
  await redis.quit();
  console.log(`hostile HTTP requests: ${JSON.stringify(sent)}`);
});

/**
 * Runs `runs` generated requests against `name` one at a time. A request answered 4xx must leave
 * the `watched` collections exactly as they were (compared by a digest of every document).
 */
async function fuzz(
  name: string,
  known: readonly string[],
  watched: readonly string[],
  runs: number,
): Promise<void> {
  const fn = fns[name]!;
  // A fresh connection per request: a request the server refuses before reading it must not take
  // the next one down with it.
  const agent = new Agent({ keepAlive: false });
  const tally = (sent[name] = {
    total: 0,
    byStatus: {} as Record<string, number>,
    sendMs: 0,
    snapshotMs: 0,
  });
  let before = await snapshot(db, watched);
  try {
    await check(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: hostileRequest(known) },
          { weight: 1, arbitrary: plausibleRequest },
        ),
        async (r: HostileRequest) => {
          const t0 = performance.now();
          const outcome = await send(fn.url, r, agent);
          const t1 = performance.now();
          tally.total++;
          const key = String(outcome.status ?? outcome.error);
          tally.byStatus[key] = (tally.byStatus[key] ?? 0) + 1;
          const problem = verdict(r, outcome);
          if (problem) throw new Error(`${problem}\nrequest: ${describeRequest(r)}`);
          const after = await snapshot(db, watched);
          if (outcome.status !== undefined && outcome.status >= 400 && after !== before)
            throw new Error(
              `a refused request (${outcome.status}) changed ${watched.join('/')}\nrequest: ${describeRequest(r)}`,
            );
          before = after;
          tally.sendMs += t1 - t0;
          tally.snapshotMs += performance.now() - t1;
        },
      ),
      { numRuns: runs, endOnFailure: true },
    );
  } finally {
    agent.destroy();
  }
  // Still serving, and still serving the right thing.
  expect((await fetch(`${fn.url}/healthz`)).status).toBe(200);
}

describe('hostile HTTP requests', () => {
  it(`question: ${RUNS.question} requests, never a 5xx, the answer untouched`, async () => {
    await fuzz('question', ['/', '/multivac', '/multivac/'], ['answers'], RUNS.question);
    const res = await fetch(`${fns.question!.url}/multivac`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SEEDED_ANSWER.answer);
    expect(await getCachedAnswer(cache)).toEqual(answerToView(SEEDED_ANSWER));
  });

  it(`process: ${RUNS.process} requests, never a 5xx, refused ones create no job`, async () => {
    const { _id } = (await collections(db).jobs.findOne({}))!;
    await fuzz(
      'process',
      ['/multivac', '/multivac/jobs/', `/multivac/jobs/${_id}`, '/multivac/jobs/nope'],
      ['jobs', 'answers'],
      RUNS.process,
    );
    const res = await fetch(`${fns.process!.url}/multivac/jobs/${_id}`);
    expect(res.status).toBe(200);
  });

  it(`data: ${RUNS.data} requests, never a 5xx, refused ones store nothing`, async () => {
    const { _id } = (await collections(db).sources.findOne({}))!;
    await fuzz(
      'data',
      ['/multivac/data', '/multivac/data/', `/multivac/data/${_id}`, '/multivac/data?limit=2'],
      ['sources', 'documents'],
      RUNS.data,
    );
    const res = await fetch(`${fns.data!.url}/multivac/data/${_id}`);
    expect(res.status).toBe(200);
  });

  it(`malformed HTTP on the wire: ${RUNS.raw} raw requests across the functions, 4xx or closed`, async () => {
    for (const name of ['question', 'process', 'data']) {
      const fn = fns[name]!;
      await check(
        fc.asyncProperty(rawRequest, async (bytes) => {
          const { status, text } = await sendRaw(fn.url, bytes);
          if (status !== undefined && status >= 500)
            throw new Error(`${name} answered ${status}: ${text.slice(0, 300)}`);
        }),
        { numRuns: Math.ceil(RUNS.raw / 3), endOnFailure: true },
      );
      expect((await fetch(`${fn.url}/healthz`)).status).toBe(200);
    }
  });
});
