/**
 * Load through the gateway of a stack started as `npm start` starts it (issue 7): 200 concurrent
 * clients reading `GET /multivac` and 20 writing `PUT /multivac/data` for 30 s at the same time.
 * No error may occur other than the rate limit's intended 429s (every 429 with Retry-After);
 * every accepted write is stored. Loopback only; bounded by autocannon's duration.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCorpusServer, type CorpusServer } from '../corpus/server';
import { eventually, startTestStack, type TestStack } from '../e2e/support/stack';
import { uniqueDbName, uniquePrefix } from '../support/isolation';

const SECONDS = Number(process.env.MULTIVAC_LOAD_SECONDS ?? 30);
const READERS = 200;
const WRITERS = 20;
const PER_MINUTE = 120;

let dataDir: string;
let corpus: CorpusServer;
let stack: TestStack;
const dbName = uniqueDbName('load');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'multivac-load-'));
  corpus = await startCorpusServer();
  stack = await startTestStack({
    dataDir,
    idleSeconds: 600,
    env: {
      ...process.env,
      MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
      MULTIVAC_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      MONGODB_DB: dbName,
      MULTIVAC_CACHE_PREFIX: uniquePrefix('load').replaceAll(':', '.'),
      MULTIVAC_STREAM: `${uniquePrefix('load')}:events`,
      LOG_LEVEL: 'warn',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await corpus?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

type Counts = Record<string, number>;

function run(
  options: autocannon.Options,
): Promise<{ result: autocannon.Result; statuses: Counts }> {
  const statuses: Counts = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) =>
      err ? reject(err) : resolve({ result, statuses }),
    );
    instance.on('response', (_client: unknown, status: number) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

describe(`${READERS} readers and ${WRITERS} writers for ${SECONDS} s through the gateway`, () => {
  it('answers every request: 200 to reads, 202 or the intended 429 to writes, nothing lost', async () => {
    // Wake the functions first: the load measures serving, not the first cold start.
    expect((await fetch(`${stack.url}/multivac`)).status).toBe(200);
    expect((await fetch(`${stack.url}/multivac/data`)).status).toBe(200);

    let n = 0;
    const [reads, writes] = await Promise.all([
      run({ url: `${stack.url}/multivac`, connections: READERS, duration: SECONDS, timeout: 20 }),
      run({
        url: `${stack.url}/multivac/data`,
        connections: WRITERS,
        duration: SECONDS,
        timeout: 20,
        requests: [
          {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ url: `${corpus.baseUrl}/generated/${n++}.html` }),
            }),
          },
        ],
      }),
    ]);

    const summary = {
      reads: {
        requests: reads.result.requests.total,
        rps: reads.result.requests.average,
        p99: reads.result.latency.p99,
        statuses: reads.statuses,
        errors: reads.result.errors,
        timeouts: reads.result.timeouts,
      },
      writes: {
        requests: writes.result.requests.total,
        statuses: writes.statuses,
        errors: writes.result.errors,
        timeouts: writes.result.timeouts,
      },
    };
    console.log(`load: ${JSON.stringify(summary)}`);

    expect(reads.result.errors + reads.result.timeouts).toBe(0);
    expect(Object.keys(reads.statuses)).toEqual(['200']);
    expect(reads.result.requests.total).toBeGreaterThan(READERS);

    expect(writes.result.errors + writes.result.timeouts).toBe(0);
    expect(Object.keys(writes.statuses).filter((s) => s !== '202' && s !== '429')).toEqual([]);
    const accepted = writes.statuses['202'] ?? 0;
    // One client address behind the gateway: the limit's window admits PER_MINUTE per started minute.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(PER_MINUTE * (Math.ceil(SECONDS / 60) + 1));
    expect(writes.statuses['429'] ?? 0).toBeGreaterThan(0);
    // Still inside the limit's window: a refused write says when to come back.
    const refused = await fetch(`${stack.url}/multivac/data`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${corpus.baseUrl}/generated/${n++}.html` }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Every accepted write is stored (a refused one is not).
    const client = new MongoClient(stack.services.mongo.uri);
    try {
      const stored = await client.db(dbName).collection('sources').countDocuments();
      expect(stored).toBe(accepted);
      // …and fetched: the pipeline behind the writes keeps up once the load stops.
      await eventually(
        'every accepted page acquired',
        async () =>
          (await client.db(dbName).collection('sources').countDocuments({ state: 'acquired' })) ===
          accepted
            ? true
            : undefined,
        { timeoutMs: 120_000, everyMs: 1000 },
      );
    } finally {
      await client.close();
    }
    expect((await fetch(`${stack.url}/multivac`)).status).toBe(200);
  });
});
