/**
 * The learning pipeline end to end, on the local stack (`npm start`'s, every function warm):
 * generated pages (~5 KB each, a third of them about the question) served by the corpus server on
 * loopback → `PUT /multivac/data` for every page → `POST /multivac` → the job polled until it
 * ends. Wall time, documents per second and the cost per document at two sizes (does it scale
 * linearly?), next to the same pages fetched, extracted and analysed in one process without
 * queues or database (the in-run baseline: what the distribution costs). Peak RSS of every
 * function process during the run. A fresh stack (and database) for each size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { extract } from '../../shared/extract/index';
import { analyzeDocument, theQuery } from '../../shared/knowledge/index';
import { startCorpusServer, type CorpusServer } from '../../test/corpus/server';
import { discoverFunctions } from '../build/index';
import { readServiceSpec } from '../dev/service-spec';
import { startStack, type Stack } from '../dev/stack';
import {
  difference,
  mongoServerCommands,
  perPage,
  redisClientCommands,
  redisServerCommands,
  resetRedisCounts,
  sum,
  type Counts,
} from './commands';
import { stackPeakRss } from './proc';
import { ratio } from './stats';
import { SkipBenchmark, type Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');
/** PUTs in flight (well under the gateway's and data's limits). */
const CONCURRENCY = 16;

interface Job {
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  total: number | null;
  done: number;
  failed: number;
}

interface Measured {
  docs: number;
  putSeconds: number;
  wallSeconds: number;
  job: Job;
  answer: { status: string; confidence: number; sources: unknown[] };
  rss: Record<string, string>;
  /** MongoDB and Redis commands sent by every process of the stack during the run. */
  mongo: Counts;
  redis: Counts;
  /** Redis's own count, which adds the calls made inside Lua scripts. */
  redisServer: Counts;
}

async function parallel(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

const pageUrl = (corpus: CorpusServer, n: number) => `${corpus.baseUrl}/generated/${n}.html`;

/** One size on a fresh stack: PUT every page, POST, poll the job until it ends. */
async function pipeline(docs: number, corpus: CorpusServer, timeoutMs: number): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'multivac-bench-pipeline-'));
  const lines: string[] = [];
  let stack: Stack | undefined;
  let pool: Pool | undefined;
  try {
    stack = await startStack({
      root,
      dataDir: dir,
      port: 0,
      warm: true,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        MONGODB_DB: 'multivac_bench_pipeline',
        MULTIVAC_CACHE_PREFIX: 'multivac-bench-pipeline',
        // The corpus server is on loopback, and one client feeds every page.
        MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
        MULTIVAC_RATE_LIMIT_PER_MINUTE: '1000000',
      },
      out: (line) => lines.push(line),
    });
    pool = new Pool(stack.url, { connections: CONCURRENCY });
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await pool!.request({
        method: method as 'GET',
        path,
        headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.body.text();
      return { status: res.statusCode, text };
    };

    const mongoBefore = await mongoServerCommands(stack.services.mongo.uri);
    const redisBefore = await redisClientCommands(stack);
    await resetRedisCounts(stack.services.redis.url);
    const started = performance.now();
    await parallel(docs, CONCURRENCY, async (n) => {
      const res = await call('PUT', '/multivac/data', { url: pageUrl(corpus, n) });
      if (res.status !== 202) throw new Error(`PUT page ${n}: ${res.status} ${res.text}`);
    });
    const putDone = performance.now();
    const post = await call('POST', '/multivac');
    if (post.status !== 202) throw new Error(`POST /multivac: ${post.status} ${post.text}`);
    const { jobId } = JSON.parse(post.text) as { jobId: string };
    let job: Job;
    for (;;) {
      job = JSON.parse((await call('GET', `/multivac/jobs/${jobId}`)).text) as Job;
      if (job.state === 'succeeded' || job.state === 'failed') break;
      if (performance.now() - started > timeoutMs)
        throw new Error(
          `the job did not finish within ${timeoutMs / 1000} s: ${JSON.stringify(job)}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
    const finished = performance.now();
    const mongo = difference(await mongoServerCommands(stack.services.mongo.uri), mongoBefore);
    const redis = difference(await redisClientCommands(stack), redisBefore);
    const redisServer = await redisServerCommands(stack.services.redis.url);
    const answer = JSON.parse(
      (await call('GET', '/multivac', undefined, { accept: 'application/json' })).text,
    ) as Measured['answer'];
    return {
      docs,
      putSeconds: (putDone - started) / 1000,
      wallSeconds: (finished - started) / 1000,
      job,
      answer,
      rss: await stackPeakRss(stack),
      mongo,
      redis,
      redisServer,
    };
  } catch (err) {
    if (lines.length) console.error(lines.slice(-40).join('\n'));
    throw err;
  } finally {
    await pool?.close();
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The baseline: the same pages fetched, extracted and analysed in this one process. */
async function inProcess(docs: number, corpus: CorpusServer): Promise<number> {
  const query = theQuery();
  const started = performance.now();
  await parallel(docs, CONCURRENCY, async (n) => {
    const res = await fetch(pageUrl(corpus, n));
    const body = new Uint8Array(await res.arrayBuffer());
    const page = await extract(body, {
      contentType: res.headers.get('content-type') ?? 'text/html',
      url: pageUrl(corpus, n),
    });
    analyzeDocument(page.text, { title: page.title, query });
  });
  return (performance.now() - started) / 1000;
}

export const run: Benchmark = async ({ quick }) => {
  const names = new Set((await discoverFunctions(root)).map((f) => f.name));
  const missing = ['data', 'process', 'acquire', 'learn', 'question'].filter((n) => !names.has(n));
  if (missing.length) throw new SkipBenchmark(`needs functions/${missing.join(', functions/')}`);
  const sizes = quick ? [25, 100] : [100, 1_000];
  const corpus = await startCorpusServer();
  try {
    const measured: Measured[] = [];
    const baseline = new Map<number, number>();
    for (const docs of sizes) {
      await inProcess(Math.min(docs, 20), corpus); // warm the extractor's lazy imports
      baseline.set(docs, await inProcess(docs, corpus));
      measured.push(await pipeline(docs, corpus, quick ? 180_000 : 900_000));
    }
    const perDoc = (m: Measured) => (m.wallSeconds / m.docs) * 1000;
    const rows = measured.map((m) => ({
      docs: m.docs,
      'PUT all s': Number(m.putSeconds.toFixed(2)),
      'wall s': Number(m.wallSeconds.toFixed(2)),
      'docs/s': Number((m.docs / m.wallSeconds).toFixed(1)),
      'ms/doc': Math.round(perDoc(m)),
      'in-process ms/doc': Math.round((baseline.get(m.docs)! / m.docs) * 1000),
      'vs in-process': ratio(m.wallSeconds, baseline.get(m.docs)!),
      job: `${m.job.state} ${m.job.done}/${m.job.total ?? '?'}${m.job.failed ? `, ${m.job.failed} failed` : ''}`,
      answer: `${m.answer.status} ${Number(m.answer.confidence ?? 0).toFixed(2)}`,
      'MongoDB cmds/doc': Number((sum(m.mongo) / m.docs).toFixed(1)),
      'Redis cmds/doc': Number((sum(m.redis) / m.docs).toFixed(1)),
    }));
    const [small, large] = measured as [Measured, Measured];
    const rssColumns = Object.keys(large.rss);
    const limits = new Map<string, number | undefined>();
    for (const k of rssColumns) limits.set(k, (await readServiceSpec(root, k)).memoryLimitMiB);
    const withLimit = (k: string) => (limits.get(k) ? `limit ${limits.get(k)} MiB` : '');
    const rssNotes = measured.map(
      (m) =>
        `peak RSS MiB at ${m.docs} docs (container limit): ${rssColumns
          .map((k) => `${k} ${m.rss[k]}${limits.get(k) ? ` (${limits.get(k)})` : ''}`)
          .join(', ')}`,
    );
    /** Issue 11's goals, held at 1,000 pages. */
    const atGoalSize = (m: Measured, goal: string) => (m.docs === 1_000 ? { goal } : {});
    return {
      name: 'pipeline',
      rows,
      notes: [
        `cost per document, ${large.docs} vs ${small.docs} docs: ${ratio(perDoc(large), perDoc(small))} (1.00× = linear)`,
        ...rssNotes,
        ...measured.flatMap((m) => [
          `MongoDB commands per doc at ${m.docs} docs: ${perPage(m.mongo, m.docs)}`,
          `Redis commands per doc at ${m.docs} docs: ${perPage(m.redis, m.docs, 8)}; as Redis counts them, calls made inside Lua scripts included: ${(sum(m.redisServer) / m.docs).toFixed(1)} (${perPage(m.redisServer, m.docs, 8)})`,
        ]),
        `wall = first PUT to the job's end (pages are fetched while they are still being PUT); ${CONCURRENCY} PUTs in flight; every function warm; a fresh stack and database per size`,
        'in-process = the same pages fetched, extracted (Readability) and analysed (passages, terms, scores) in this process, 16 at a time, with no queue, broker or database',
      ],
      summary: [
        ...measured.map((m) => ({
          measurement: `learn ${m.docs} docs, PUT → job done`,
          value: `${m.wallSeconds.toFixed(1)} s`,
          baseline: `${baseline.get(m.docs)!.toFixed(1)} s in-process`,
          ratio: ratio(m.wallSeconds, baseline.get(m.docs)!),
          ...atGoalSize(m, '≤ 40 s'),
        })),
        {
          measurement: `cost per doc, ${large.docs} vs ${small.docs}`,
          value: `${Math.round(perDoc(large))} ms`,
          baseline: `${Math.round(perDoc(small))} ms`,
          ratio: ratio(perDoc(large), perDoc(small)),
          ...(large.docs === 1_000 ? { goal: '≤ 1.15×' } : {}),
        },
        ...measured.flatMap((m) => [
          {
            measurement: `MongoDB commands per doc, ${m.docs} docs`,
            value: (sum(m.mongo) / m.docs).toFixed(1),
            ...atGoalSize(m, '≤ 6'),
          },
          {
            measurement: `Redis commands per doc, ${m.docs} docs`,
            value: (sum(m.redis) / m.docs).toFixed(1),
            ...atGoalSize(m, '≤ 12'),
          },
        ]),
        ...measured.flatMap((m) =>
          rssColumns
            .filter((k) => k !== 'gateway+bench')
            .map((k) => ({
              measurement: `peak RSS ${k}, ${m.docs} docs`,
              value: `${m.rss[k]} MiB`,
              baseline: withLimit(k),
              ...atGoalSize(m, '≤ 100 MiB'),
            })),
        ),
      ],
    };
  } finally {
    await corpus.stop();
  }
};
