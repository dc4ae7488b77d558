/**
 * Raw texts of the largest size data accepts (1 MiB), 50 at once — what Knative's concurrency
 * (containerConcurrency 50) lets reach one pod — sent three times over the same connections, to
 * the `npm start` stack, where data runs under its manifest's 32 MiB heap. Before the runtime's
 * body budget and its release of finished bodies, the first round ran data out of memory (the
 * kept-alive connections also held their last bodies). Every text must be stored, and data must
 * be the same process at the end. Loopback only; 150 requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, tailOnFailure, type TestStack } from '../e2e/support/stack';
import { uniqueDbName, uniquePrefix } from '../support/isolation';

const AT_ONCE = 50;
const ROUNDS = 3;
const BYTES = 1_000_000;

let dataDir: string;
let stack: TestStack;
const dbName = uniqueDbName('bodies');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'multivac-bodies-'));
  stack = await startTestStack({
    dataDir,
    idleSeconds: 600,
    env: {
      ...process.env,
      MULTIVAC_RATE_LIMIT_PER_MINUTE: '1000',
      MONGODB_DB: dbName,
      MULTIVAC_CACHE_PREFIX: uniquePrefix('bodies').replaceAll(':', '.'),
      MULTIVAC_STREAM: `${uniquePrefix('bodies')}:events`,
      LOG_LEVEL: 'warn',
    },
  });
});

afterEach(tailOnFailure(() => stack));

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const WORDS = ['entropy', 'universe', 'heat', 'death', 'reverse', 'order', 'time', 'arrow'];

/** A distinct text of BYTES characters. */
function text(n: number): string {
  const words: string[] = [`Text ${n}.`];
  let length = words[0]!.length;
  for (let i = 0; length < BYTES; i++) {
    const word = WORDS[(i * 7 + n) % WORDS.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

describe(`${AT_ONCE} raw texts of 1 MiB at once, ${ROUNDS} times`, () => {
  it('stores every one, and data lives through it', async () => {
    expect((await stack.call('/multivac/data')).status).toBe(200);
    const data = stack.functions.get('data')!;
    const pid = data.pid;
    expect(pid).toBeDefined();

    for (let round = 0; round < ROUNDS; round++) {
      const statuses = await Promise.all(
        Array.from({ length: AT_ONCE }, (_, i) =>
          fetch(`${stack.url}/multivac/data`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: text(round * AT_ONCE + i) }),
          }).then(
            async (res) => (await res.arrayBuffer(), res.status),
            (err: Error) =>
              `${err.name}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
          ),
        ),
      );
      expect(statuses.filter((s) => s !== 202)).toEqual([]);
    }
    expect(data.pid).toBe(pid);

    const client = await MongoClient.connect(stack.services.mongo.uri);
    try {
      const stored = await client.db(dbName).collection('sources').countDocuments({ kind: 'text' });
      expect(stored).toBe(AT_ONCE * ROUNDS);
    } finally {
      await client.close();
    }
  }, 240_000);
});
