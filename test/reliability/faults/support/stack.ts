/**
 * The fault tests' harness: a whole MultiVAC started as `npm start` starts it (tools/dev/stack.ts:
 * its own Redis and MongoDB-wire server, the broker, every function as a process that scales to
 * zero), with the broker delivering through a recording proxy ({@link startLedger}), the corpus
 * server serving `/generated/<n>.html`, and the checks every fault test makes afterwards.
 */
import { appendFileSync } from 'node:fs';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { analyzeDocument, QUESTION, queryTerms } from '../../../../shared/knowledge/index';
import type { DocumentDoc, JobDoc, PassageDoc, SourceDoc } from '../../../../shared/store/index';
import { readJobList } from '../../../../functions/learn/job-list';
import { isGeneratedRelevant } from '../../../corpus/generated';
import { startCorpusServer, type CorpusServer } from '../../../corpus/server';
import { startStack, type Stack } from '../../../../tools/dev/stack';
import { eventually, root } from '../../../e2e/support/stack';
import { uniqueDbName, uniquePrefix } from '../../../support/isolation';
import { mulberry32 } from '../../../support/random';
import { deliveredKeys, ledgerFigures, startLedger, type Ledger } from './ledger';

export { eventually };

/** MULTIVAC_FAULT_SEED when set (to replay a run), else a fresh one; printed by the caller. */
export const faultSeed = () =>
  process.env.MULTIVAC_FAULT_SEED
    ? Number(process.env.MULTIVAC_FAULT_SEED)
    : Math.floor(Math.random() * 2 ** 31);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface FaultStack {
  stack: Stack;
  /** Every line the stack printed. */
  lines: string[];
  ledger: Ledger;
  corpus: CorpusServer;
  db: Db;
  redis: () => Redis;
  stream: string;
  call(path: string, init?: RequestInit): Promise<Response>;
  /**
   * PUTs `/generated/0..n-1.html`, a few at a time, each again after a 5xx; resolves with the
   * number of PUTs repeated once all were accepted.
   */
  feed(n: number): Promise<number>;
  /** POST /multivac, again after a 5xx; the job's id. */
  startJob(): Promise<string>;
  /** POSTs repeated after a 5xx. */
  readonly repeatedPosts: number;
  /** Waits for the job to succeed (fails at once if it failed). */
  finished(jobId: string, timeoutMs: number): Promise<JobDoc>;
  /** Waits until every trigger has nothing pending and nothing unread. */
  settled(timeoutMs?: number): Promise<void>;
  /** Counts in Mongo: acquired sources, learned documents. */
  progress(): Promise<{ acquired: number; learned: number }>;
  stop(): Promise<void>;
}

export interface FaultStackOptions {
  label: string;
  env?: Record<string, string>;
}

/**
 * The stack of one test file: started before its tests, stopped after them, and its last lines
 * printed when a test fails. Call it at the top of the file; the getter returns the running stack.
 */
export function faultStackForFile(options: FaultStackOptions): () => FaultStack {
  let fs: FaultStack | undefined;
  beforeAll(async () => {
    fs = await startFaultStack(options);
  });
  afterAll(async () => {
    await fs?.stop();
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && fs)
      console.log(`--- last lines of the stack ---\n${fs.lines.slice(-80).join('\n')}`);
  });
  return () => {
    if (!fs) throw new Error('the fault stack is not running (it starts in beforeAll)');
    return fs;
  };
}

export async function startFaultStack({ label, env = {} }: FaultStackOptions): Promise<FaultStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `multivac-fault-${label}-`));
  const dbName = uniqueDbName(label);
  const stream = `${uniquePrefix(label)}:events`;
  const corpus = await startCorpusServer();
  const ledger = await startLedger();
  // The stack owns its Redis and MongoDB-wire server (so the tests can restart them).
  const { REDIS_URL: _r, MONGODB_URI: _m, ...inherited } = process.env;
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    try {
      appendFileSync(join(dataDir, 'stack.log'), `${line}\n`);
    } catch {
      // the data directory may already be gone while the last lines arrive
    }
    if (process.env.MULTIVAC_E2E_VERBOSE) console.log(line);
  };
  let stack: Stack;
  try {
    // As `npm start` runs it (tools/dev/main.ts): functions scale to zero and start on demand.
    stack = await startStack({
      root,
      dataDir,
      port: 0,
      host: '127.0.0.1',
      warm: false,
      idleSeconds: 300,
      out,
      env: {
        ...inherited,
        MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
        MULTIVAC_RATE_LIMIT_PER_MINUTE: '100000',
        MONGODB_DB: dbName,
        MULTIVAC_CACHE_PREFIX: uniquePrefix(label).replaceAll(':', '.'),
        MULTIVAC_STREAM: stream,
        // Keep every entry, so that what was published can be counted from the stream itself.
        MULTIVAC_TRIM_INTERVAL_MS: '3600000',
        LOG_LEVEL: 'info',
        ...env,
      },
      subscriberUrl: (activator) => {
        ledger.target = activator;
        return ledger.template;
      },
    });
  } catch (err) {
    await ledger.stop();
    await corpus.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const client = new MongoClient(stack.services.mongo.uri, { serverSelectionTimeoutMS: 60_000 });
  const db = client.db(dbName);
  let redisClient: Redis | undefined;
  const redis = () => {
    if (!redisClient) {
      redisClient = new Redis(stack.services.redis.url);
      redisClient.on('error', () => {}); // it reconnects by itself when a test restarts Redis
    }
    return redisClient;
  };

  const call = (path: string, init?: RequestInit) =>
    fetch(`${stack.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });

  let repeatedPosts = 0;
  const feed = async (n: number) => {
    let next = 0;
    let repeated = 0;
    const put = (i: number) =>
      call('/multivac/data', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${corpus.baseUrl}/generated/${i}.html` }),
      });
    const worker = async () => {
      while (next < n) {
        const i = next++;
        for (let attempt = 1; ; attempt++) {
          const res = await put(i);
          await res.arrayBuffer();
          if (res.status === 202 || res.status === 200) break;
          // 503: the broker was away (the source is marked failed); 500: MongoDB was. A client
          // PUTs it again (PUT is idempotent: the source id is the normalized URL's hash).
          if (res.status < 500 || attempt >= 30)
            throw new Error(`PUT /generated/${i}.html answered ${res.status}`);
          repeated++;
          await sleep(500);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    return repeated;
  };

  const startJob = async () => {
    for (let attempt = 1; ; attempt++) {
      const res = await call('/multivac', { method: 'POST' });
      // A 5xx (MongoDB or the broker away) created no job that will run: POST again.
      if (res.status >= 500 && attempt < 30) {
        await res.arrayBuffer();
        repeatedPosts++;
        await sleep(500);
        continue;
      }
      expect(res.status).toBe(202);
      return ((await res.json()) as { jobId: string }).jobId;
    }
  };

  const finished = (jobId: string, timeoutMs: number) =>
    eventually(
      `job ${jobId} succeeded`,
      async () => {
        const job = await db.collection<JobDoc>('jobs').findOne({ _id: jobId });
        if (job?.state === 'failed') throw new Error(`job ${jobId} failed: ${JSON.stringify(job)}`);
        return job?.state === 'succeeded' ? job : undefined;
      },
      { timeoutMs, everyMs: 500 },
    );

  const settled = async (timeoutMs = 60_000) => {
    await eventually(
      'the broker drained',
      async () => {
        const stats = await brokerStats(stack.adminUrl);
        return stats.triggers.every((t) => (t.pending ?? 0) === 0 && (t.lag ?? 0) === 0)
          ? true
          : undefined;
      },
      { timeoutMs, everyMs: 300 },
    );
  };

  const progress = async () => ({
    acquired: await db.collection<SourceDoc>('sources').countDocuments({ state: 'acquired' }),
    learned: await db
      .collection<DocumentDoc>('documents')
      .countDocuments({ learnedBy: { $exists: true } }),
  });

  return {
    stack,
    lines,
    ledger,
    corpus,
    db,
    redis,
    stream,
    call,
    feed,
    startJob,
    get repeatedPosts() {
      return repeatedPosts;
    },
    finished,
    settled,
    progress,
    stop: async () => {
      redisClient?.disconnect();
      await client.close().catch(() => {});
      await stack.stop();
      await ledger.stop();
      await corpus.stop();
      if (process.env.MULTIVAC_FAULT_KEEP) console.log(`kept ${dataDir}`);
      else await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TriggerStats {
  name: string;
  subscriber: string;
  filter: Record<string, string>;
  /** The trigger's own stream and dead-letter stream (Redis keys). */
  stream: string;
  deadLetterStream: string;
  pending: number | null;
  lag: number | null;
}

export async function brokerStats(
  adminUrl: string,
): Promise<{ length: number; deadLetters: number; triggers: TriggerStats[] }> {
  const res = await fetch(`${adminUrl}/stats`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`/stats answered ${res.status}`);
  return (await res.json()) as { length: number; deadLetters: number; triggers: TriggerStats[] };
}

/** One Prometheus text exposition as `name{labels}` → value. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** The sum of a metric over every label set matching `labels` (e.g. `trigger="x"`). */
export function metric(values: Map<string, number>, name: string, labels = ''): number {
  let sum = 0;
  for (const [key, value] of values) {
    const bare = key.split('{')[0];
    if (bare === name && key.includes(labels)) sum += value;
  }
  return sum;
}

/** Resident memory of a process in KiB, from /proc/<pid>/status (VmRSS). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) : 0;
}

export interface LearningFigures {
  documents: number;
  passages: number;
  /** Documents that came through `document.learn`, and sources the job waited for. */
  planned: { documents: number; sources: number };
}

/**
 * Everything a finished run of `n` generated pages must show: every source acquired, one
 * document each, every document learned by the job exactly once — its passages are exactly the
 * analysis's, ids `<documentId>:<index>` with indexes 0..k-1, no duplicates —, the job succeeded
 * with n members and none failed, and the answer cites only relevant pages.
 */
export async function verifyLearning(
  fs: FaultStack,
  jobId: string,
  n: number,
): Promise<LearningFigures> {
  const { db } = fs;
  const sources = await db.collection<SourceDoc>('sources').find().toArray();
  expect(sources).toHaveLength(n);
  expect(sources.filter((s) => s.state !== 'acquired').map((s) => [s.url, s.state])).toEqual([]);

  const documents = await db.collection<DocumentDoc>('documents').find().toArray();
  expect(documents).toHaveLength(n);
  expect(new Set(sources.map((s) => s.documentId)).size).toBe(n);
  const notByJob = documents.filter((d) => d.learnedBy !== jobId || !d.contribution);
  expect(notByJob.map((d) => [d.url, d.learnedBy])).toEqual([]);

  const passages = await db
    .collection<PassageDoc>('passages')
    .find({}, { projection: { _id: 1, documentId: 1, index: 1 } })
    .toArray();
  expect(new Set(passages.map((p) => p._id)).size).toBe(passages.length);
  const byDocument = new Map<string, number[]>();
  for (const p of passages) {
    expect(p._id).toBe(`${p.documentId}:${p.index}`);
    const list = byDocument.get(p.documentId) ?? [];
    list.push(p.index);
    byDocument.set(p.documentId, list);
  }
  const query = queryTerms(QUESTION);
  let expectedPassages = 0;
  for (const doc of documents) {
    const expected = analyzeDocument(doc.text, { title: doc.title, query }).passages.length;
    expectedPassages += expected;
    const indexes = (byDocument.get(doc._id) ?? []).sort((a, b) => a - b);
    expect(indexes, doc.url).toEqual(Array.from({ length: expected }, (_, i) => i));
  }
  expect(passages).toHaveLength(expectedPassages);

  // The job waited for the pages still being fetched, then planned every document: n, each
  // learned, none failed.
  const plan = (await readJobList(db, 'plan', jobId))!;
  expect(new Set(plan.ids).size).toBe(n);
  const job = await db.collection<JobDoc>('jobs').findOne({ _id: jobId });
  expect(job).toMatchObject({ state: 'succeeded', total: n, done: n, failed: 0 });

  const answer = (await (
    await fs.call('/multivac', { headers: { accept: 'application/json' } })
  ).json()) as { status: string; sources: { url?: string }[] };
  expect(answer.status).toBe('answered');
  expect(answer.sources.length).toBeGreaterThanOrEqual(2);
  for (const source of answer.sources) {
    const page = /\/generated\/(\d+)\.html$/.exec(source.url ?? '');
    expect(page && isGeneratedRelevant(Number(page[1])), source.url).toBe(true);
  }
  return {
    documents: documents.length,
    passages: passages.length,
    planned: {
      documents: plan.ids.length,
      sources: (await readJobList(db, 'waits', jobId))?.ids.length ?? 0,
    },
  };
}

export interface Reconciliation {
  /** Per trigger: entries of its type in the stream, delivered (2xx seen), dead-lettered. */
  triggers: { name: string; published: number; delivered: number; deadLettered: number }[];
  published: number;
  delivered: number;
  deadLettered: number;
  /** Attempts that failed (non-2xx or no answer) and were retried. */
  failedAttempts: number;
  /** 2xx deliveries beyond the first of an event: duplicates the functions absorbed. */
  redelivered: number;
  /** Published events neither delivered nor dead-lettered. */
  lost: number;
}

/**
 * published = delivered + dead-lettered, per trigger, from what survives every fault: the
 * trigger's stream (never trimmed in these tests) for what was published to it, the recording
 * proxy for what the subscribers answered 2xx, its dead-letter stream for the rest. Also: nothing
 * pending, nothing unread.
 */
export async function reconcile(fs: FaultStack): Promise<Reconciliation> {
  const stats = await brokerStats(fs.stack.adminUrl);
  for (const t of stats.triggers) {
    expect(t.pending ?? 0, `${t.name} pending`).toBe(0);
    expect(t.lag ?? 0, `${t.name} lag`).toBe(0);
  }
  const redis = fs.redis();
  const eventsOf = async (stream: string) =>
    ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([, fields]) => {
      const json = fields[fields.indexOf('event') + 1] ?? '{}';
      return JSON.parse(json) as { type: string; source: string; id: string };
    });

  const triggers = await Promise.all(
    stats.triggers.map(async (t) => {
      const type = t.filter.type!;
      const published = await eventsOf(t.stream);
      const delivered = deliveredKeys(fs.ledger.attempts, type);
      const missing = published.filter((e) => !delivered.has(`${e.source} ${e.id}`));
      const deadLettered = await redis.xlen(t.deadLetterStream);
      return {
        name: t.name,
        published: published.length,
        delivered: published.length - missing.length,
        deadLettered,
        lost: Math.max(0, missing.length - deadLettered),
      };
    }),
  );
  const sum = (k: 'published' | 'delivered' | 'deadLettered' | 'lost') =>
    triggers.reduce((s, t) => s + t[k], 0);
  const figures = ledgerFigures(fs.ledger.attempts);
  for (const t of triggers)
    expect(t.published, `${t.name}: published = delivered + dead-lettered`).toBe(
      t.delivered + t.deadLettered,
    );
  return {
    triggers: triggers.map(({ lost: _l, ...t }) => t),
    published: sum('published'),
    delivered: sum('delivered'),
    deadLettered: sum('deadLettered'),
    failedAttempts: figures.failedAttempts,
    redelivered: figures.redelivered,
    lost: sum('lost'),
  };
}

/** Broker metrics: for every trigger, what was appended to its stream, delivered and dead-lettered. */
export async function reconcileMetrics(fs: FaultStack): Promise<{
  published: number;
  retried: number;
  perTrigger: { name: string; published: number; delivered: number; deadLettered: number }[];
}> {
  const values = await scrape(fs.stack.broker.metricsUrl);
  const stats = await brokerStats(fs.stack.adminUrl);
  const published = metric(values, 'multivac_broker_published_total');
  const perTrigger = stats.triggers.map((t) => {
    const label = `trigger="${t.name}"`;
    return {
      name: t.name,
      published: metric(values, 'multivac_broker_published_total', label),
      delivered: metric(values, 'multivac_broker_delivered_total', label),
      deadLettered: metric(values, 'multivac_broker_deadlettered_total', label),
    };
  });
  return { published, retried: metric(values, 'multivac_broker_retried_total'), perTrigger };
}

export interface ScheduledFault {
  /** Fires once this progress counter reaches `at`, after `jitterMs` more. */
  on: 'acquired' | 'learned';
  at: number;
  jitterMs: number;
  /** Does the damage; returns a line for the report. */
  act(): Promise<string>;
}

/**
 * Fires each fault once its progress threshold is reached (polled every 100 ms), one at a time,
 * until all have fired or `stop()` says the run is over. Resolves with what was done.
 */
export async function injectFaults(
  fs: FaultStack,
  faults: readonly ScheduledFault[],
  stop: () => boolean,
): Promise<string[]> {
  const fired: string[] = [];
  const pending = [...faults];
  while (pending.length > 0 && !stop()) {
    const now = await fs.progress().catch(() => undefined);
    for (const fault of pending.filter((f) => now && now[f.on] >= f.at)) {
      pending.splice(pending.indexOf(fault), 1);
      await sleep(fault.jitterMs);
      fired.push(`${await fault.act()} at ${fault.on} ${now![fault.on]}`);
    }
    await sleep(100);
  }
  return fired;
}

/** A uniform integer in [lo, hi] from a seeded generator, so a printed seed replays a run. */
export function seededBetween(seed: number): (lo: number, hi: number) => number {
  const random = mulberry32(seed);
  return (lo, hi) => Math.floor(lo + random() * (hi - lo + 1));
}

/** The run every fault test disturbs: PUT the pages, POST one job, wait until it succeeds. */
export async function feedAndLearn(fs: FaultStack, pages: number, timeoutMs = 180_000) {
  const repeated = await fs.feed(pages);
  const jobId = await fs.startJob();
  const job = await fs.finished(jobId, timeoutMs);
  return { repeated, jobId, job };
}

/**
 * Runs `run` while the faults fire; a fault that cannot be done (a server that does not come
 * back) fails the run at once rather than at its timeout.
 */
export async function withFaults<T>(
  fs: FaultStack,
  faults: readonly ScheduledFault[],
  run: () => Promise<T>,
): Promise<{ result: T; fired: string[] }> {
  let over = false;
  const injected = injectFaults(fs, faults, () => over);
  const broken = injected.then(() => new Promise<never>(() => {}));
  let result: T;
  try {
    result = await Promise.race([run(), broken]);
  } finally {
    over = true;
  }
  return { result, fired: await injected };
}

/** SIGKILL of a function's process, once it runs (it may be between a kill and its next start). */
export async function killFunction(fs: FaultStack, name: string): Promise<string> {
  const fn = fs.stack.functions.get(name)!;
  const deadline = Date.now() + 20_000;
  while (fn.state !== 'running' || fn.pid === undefined) {
    if (Date.now() > deadline) throw new Error(`${name} never ran again to be killed`);
    await sleep(20);
  }
  const pid = fn.pid;
  process.kill(pid, 'SIGKILL');
  return `${name} pid ${pid}`;
}

/** Where the triggers' streams were: their entries in all, and each one's last id. */
export interface StreamMark {
  length: number;
  lastIds: Record<string, string>;
}

/** Redis's own view of every trigger's stream: length and last id, each read atomically (XINFO STREAM). */
export async function streamMark(fs: FaultStack): Promise<StreamMark> {
  const streams = (await brokerStats(fs.stack.adminUrl)).triggers.map((t) => t.stream);
  const mark: StreamMark = { length: 0, lastIds: {} };
  for (const stream of streams) {
    const info = (await fs.redis().call('XINFO', 'STREAM', stream)) as unknown[];
    const field = (name: string) => info[info.indexOf(name) + 1];
    mark.length += Number(field('length'));
    mark.lastIds[stream] = String(field('last-generated-id'));
  }
  return mark;
}

/** Entries of the triggers' streams up to and including the ids of `mark`. */
export async function entriesUpTo(fs: FaultStack, mark: StreamMark): Promise<number> {
  let count = 0;
  for (const [stream, lastId] of Object.entries(mark.lastIds))
    count += ((await fs.redis().xrange(stream, '-', lastId)) as unknown[]).length;
  return count;
}
