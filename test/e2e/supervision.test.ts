/**
 * `npm start` keeps its always-on processes running as Kubernetes keeps a Deployment's pods: the
 * broker killed with SIGKILL in the middle of a learning job (as the kernel's OOM killer would)
 * is started again by the stack itself — nobody calls stack.broker.start() — and the job it was
 * carrying finishes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../corpus/manifest';
import { startCorpusServer, type CorpusServer } from '../corpus/server';
import { uniqueDbName, uniquePrefix } from '../support/isolation';
import { eventually, startTestStack, tailOnFailure, type TestStack } from './support/stack';

const JOB_TIMEOUT_MS = 150_000;

let dataDir: string;
let corpus: CorpusServer;
let stack: TestStack;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'multivac-supervision-'));
  corpus = await startCorpusServer();
  stack = await startTestStack({
    dataDir,
    idleSeconds: 30,
    env: {
      ...process.env,
      MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
      MONGODB_DB: uniqueDbName('supervision'),
      MULTIVAC_CACHE_PREFIX: uniquePrefix('supervision').replaceAll(':', '.'),
      MULTIVAC_STREAM: `${uniquePrefix('supervision')}:events`,
      LOG_LEVEL: 'info',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await corpus?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(tailOnFailure(() => stack));

const call = (path: string, init?: RequestInit) => stack.call(path, init);

interface Job {
  state: string;
  total: number;
  done: number;
  failed: number;
}
const job = async (id: string) => (await (await call(`/multivac/jobs/${id}`)).json()) as Job;

describe('the broker under npm start', () => {
  it('comes back by itself after kill -9, and the job running across its death finishes', async () => {
    const pages = CORPUS.slice(0, 8).map((p) => `${corpus.baseUrl}/pages/${p.file}`);
    for (const url of pages) {
      const res = await call('/multivac/data', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
      expect(res.status, url).toBe(202);
    }
    const posted = await call('/multivac', { method: 'POST' });
    expect(posted.status).toBe(202);
    const { jobId } = (await posted.json()) as { jobId: string };

    const pid = stack.broker.pid;
    const atKill = await job(jobId);
    process.kill(pid, 'SIGKILL');
    expect(['queued', 'running']).toContain(atKill.state);

    const finished = await eventually(
      `job ${jobId} succeeded`,
      async () => {
        const now = await job(jobId);
        if (now.state === 'failed') throw new Error(`job failed: ${JSON.stringify(now)}`);
        return now.state === 'succeeded' ? now : undefined;
      },
      { timeoutMs: JOB_TIMEOUT_MS, everyMs: 500 },
    );
    expect(finished).toMatchObject({ total: pages.length, done: pages.length, failed: 0 });
    expect(stack.broker.pid).not.toBe(pid);
    const said = stack.lines.filter((l) => l.startsWith('stack     | broker'));
    expect(said).toEqual([
      expect.stringMatching(
        /^stack {5}\| broker exited \(signal SIGKILL\) after .*restarting in \d+ ms \(restart 1\)$/,
      ),
      `stack     | broker restarted (pid ${stack.broker.pid})`,
    ]);
  });
});
