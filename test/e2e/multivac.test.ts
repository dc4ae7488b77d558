/**
 * MultiVAC end to end through the gateway, started the way `npm start` starts it (issue 5): the
 * embedded Redis and MongoDB-wire server, the broker, every function from its bundle behind the
 * scale-to-zero pool, and the gateway routing by knative/base/routing.yaml. Pages come from the
 * local corpus server (loopback, allowed by MULTIVAC_FETCH_ALLOWED_CIDRS).
 *
 * One stack serves the whole file, in order: welcome and insufficient, routing, scale to zero,
 * the challenge scenario (feed, learn, answered), then a restart on the same data directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startCorpusServer, type CorpusServer } from '../corpus/server';
import { uniqueDbName, uniquePrefix } from '../support/isolation';
import { eventually, root, startTestStack, tailOnFailure, type TestStack } from './support/stack';

const INSUFFICIENT = 'INSUFFICIENT DATA FOR MEANINGFUL ANSWER.';
const IDLE_SECONDS = 2;
const JOB_TIMEOUT_MS = 120_000;

interface AnswerJson {
  status: 'insufficient' | 'answered';
  answer: string;
  confidence: number;
  sources: { n: number; url: string; title: string }[];
  knowledgeVersion: string;
  updatedAt: string;
}

interface JobJson {
  jobId: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  total: number | null;
  done: number;
  failed: number;
  reason?: string;
}

let dataDir: string;
let corpus: CorpusServer;
let stack: TestStack | undefined;
let env: NodeJS.ProcessEnv;

/** Cold starts seen across both stacks of this file: function → durations in ms. */
const coldStarts = new Map<string, number[]>();
const harvestColdStarts = (from: TestStack) => {
  for (const line of from.lines) {
    const m = /^(\S+)\s*\| cold start in (\d+) ms$/.exec(line);
    if (m) coldStarts.set(m[1]!, [...(coldStarts.get(m[1]!) ?? []), Number(m[2])]);
  }
};

const start = async () => {
  stack = await startTestStack({ dataDir, env, idleSeconds: IDLE_SECONDS });
  return stack;
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'multivac-e2e-'));
  corpus = await startCorpusServer();
  env = {
    ...process.env,
    MULTIVAC_FETCH_ALLOWED_CIDRS: '127.0.0.1/32',
    // Where REDIS_URL or MONGODB_URI point at a shared server, stay out of its data.
    MONGODB_DB: uniqueDbName('e2e'),
    MULTIVAC_CACHE_PREFIX: uniquePrefix('e2e').replaceAll(':', '.'),
    MULTIVAC_STREAM: `${uniquePrefix('e2e')}:events`,
    // The router's per-request log line (debug) shows which function answered.
    LOG_LEVEL: 'debug',
  };
  await start();
});

afterAll(async () => {
  if (stack) harvestColdStarts(stack);
  console.log(
    `cold starts (spawn → ready, ms):\n${[...coldStarts]
      .map(([name, ms]) => `  ${name.padEnd(10)} ${ms.join(', ')}`)
      .join('\n')}`,
  );
  await stack?.stop();
  await corpus?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(tailOnFailure(() => stack));

const call = (path: string, init?: RequestInit) => stack!.call(path, init);
const getJson = async <T>(path: string): Promise<T> => {
  const res = await call(path, { headers: { accept: 'application/json' } });
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
};

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as { status: number; title: string; detail: string };
  expect(body).toMatchObject({ status });
  expect(body.detail).toEqual(expect.any(String));
  return body;
}

describe('the challenge, through the gateway', () => {
  it('GET / welcomes', async () => {
    const res = await call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Welcome to MultiVAC!');
  });

  it('GET /multivac knows nothing yet', async () => {
    const text = await call('/multivac');
    expect(text.status).toBe(200);
    expect(await text.text()).toBe(INSUFFICIENT);
    const json = await getJson<AnswerJson>('/multivac');
    expect(json).toMatchObject({ status: 'insufficient', answer: INSUFFICIENT, sources: [] });
  });
});

describe('routing, as knative/base/routing.yaml says', () => {
  interface YamlRoute {
    name: string;
    match?: {
      uri?: Matcher;
      method?: Matcher;
      headers?: Record<string, Matcher>;
    }[];
    rewrite?: { authority?: string };
    directResponse?: { status: number };
  }
  type Matcher = { exact?: string; regex?: string; prefix?: string };

  /** Read independently of tools/dev/routing.ts, so the gateway is checked, not restated. */
  async function routes(): Promise<YamlRoute[]> {
    const text = await readFile(join(root, 'knative/base/routing.yaml'), 'utf8');
    return (parse(text) as { spec: { http: YamlRoute[] } }).spec.http;
  }

  /** A concrete path for a route's URI match. */
  function samplePath(uri: Matcher): string {
    if (uri.exact !== undefined) return uri.exact;
    if (uri.prefix !== undefined) return `${uri.prefix}e2e-route-probe`;
    const path = uri
      .regex!.replace(/^\^/, '')
      .replace(/\$$/, '')
      .replace(/\/\?$/, '')
      .replaceAll('[^/]+', 'e2e-route-probe');
    if (!/^\/[\w/-]*$/.test(path))
      throw new Error(`routing test: teach samplePath the regex ${uri.regex}`);
    return path;
  }

  /** Header values a route's header matches accept (`.*text/html.*` → `text/html`). */
  function sampleHeaders(headers: Record<string, Matcher> = {}): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, m]) => {
        const value =
          m.exact ??
          m.prefix ??
          (m.regex ?? '').replace(/^\^?(\.\*)?/, '').replace(/(\.\*)?\$?$/, '');
        if (m.regex !== undefined && !new RegExp(`^(?:${m.regex})$`).test(value))
          throw new Error(`routing test: teach sampleHeaders() ${JSON.stringify(m)}`);
        return [name, value];
      }),
    );
  }

  function methods(matcher: Matcher | undefined): string[] {
    if (matcher?.exact) return [matcher.exact];
    const alternatives = /^\^?\(([A-Z|]+)\)\$?$/.exec(matcher?.regex ?? '');
    if (!alternatives) throw new Error(`routing test: teach methods() ${JSON.stringify(matcher)}`);
    return alternatives[1]!.split('|');
  }

  it('every forwarding route reaches its function', async () => {
    const forwarding = (await routes()).filter((r) => r.rewrite?.authority);
    expect(forwarding.length).toBeGreaterThan(0);
    const checked: string[] = [];
    for (const route of forwarding) {
      const service = route.rewrite!.authority!.split('.')[0]!;
      expect(stack!.functions.has(service), `${route.name}: no function ${service}`).toBe(true);
      for (const match of route.match ?? []) {
        const path = samplePath(match.uri!);
        for (const method of methods(match.method)) {
          const mark = stack!.lines.length;
          // Bodies that no handler accepts: the request reaches the function and changes nothing
          // (except POST /multivac, which queues an empty learning job).
          const res = await call(path, {
            method,
            headers: {
              ...sampleHeaders(match.headers),
              ...(method === 'PUT' || method === 'POST'
                ? { 'content-type': 'application/json' }
                : {}),
            },
            ...(method === 'PUT' || method === 'POST' ? { body: '{}' } : {}),
          });
          await res.arrayBuffer();
          expect(res.status, `${method} ${path}`).toBeLessThan(500);
          // The function's own request log line (prefixed with its name by the stack).
          const served = new RegExp(
            `^${service}\\s*\\|.*"method":"${method}","path":"${path.replace(/[/.]/g, '\\$&')}".*"message":"request"`,
          );
          await eventually(`${method} ${path} logged by ${service}`, () =>
            stack!.lines.slice(mark).some((line) => served.test(line)) ? true : undefined,
          );
          checked.push(`${method} ${path} → ${service}`);
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET / → console',
        'GET /console/e2e-route-probe → console',
        'GET / → question',
        'GET /multivac → question',
        'POST /multivac → process',
        'PUT /multivac/data → data',
        'GET /multivac/data/e2e-route-probe → data',
        'GET /multivac/jobs/e2e-route-probe → process',
      ]),
    );
  });

  it.each([
    ['GET', '/nope'],
    ['POST', '/nope'],
    ['GET', '/multivac/data/a/b'],
    ['GET', '/multivac/jobs'],
    ['GET', '/multivacx'],
  ])('%s %s → 404 problem+json', async (method, path) => {
    await expectProblem(await call(path, { method }), 404);
  });

  it.each([
    ['POST', '/', 'GET, HEAD'],
    ['DELETE', '/multivac', 'GET, HEAD, POST'],
    ['PATCH', '/multivac/data', 'GET, HEAD, PUT, POST'],
    ['DELETE', '/multivac/data/abc', 'GET, HEAD'],
    ['PUT', '/multivac/jobs/abc', 'GET, HEAD'],
  ])('%s %s → 405 problem+json, Allow: %s, no function woken', async (method, path, allow) => {
    const starts = [...stack!.functions.values()].map((fn) => fn.starts);
    const res = await call(path, { method, ...(method === 'DELETE' ? {} : { body: 'x' }) });
    expect(res.headers.get('allow')).toBe(allow);
    await expectProblem(res, 405);
    expect([...stack!.functions.values()].map((fn) => fn.starts)).toEqual(starts);
  });
});

describe('scale to zero', () => {
  it('an idle function stops; the next request starts it again and the cold start is logged', async () => {
    const question = stack!.functions.get('question')!;
    const warm = await call('/');
    expect(await warm.text()).toBe('Welcome to MultiVAC!');
    expect(question.state).toBe('running');
    const pid = question.pid!;
    expect(pid).toEqual(expect.any(Number));
    const startsBefore = question.starts;

    // Gone after the idle period: the pool says so, and so does the operating system.
    await eventually(
      'question scaled to zero',
      () => {
        if (question.state !== 'stopped') return undefined;
        try {
          process.kill(pid, 0);
          return undefined;
        } catch (err) {
          return (err as NodeJS.ErrnoException).code === 'ESRCH' ? true : undefined;
        }
      },
      { timeoutMs: (IDLE_SECONDS + 15) * 1000, everyMs: 200 },
    );
    expect(stack!.lines.some((l) => /^question\s*\| scaling to zero \(idle\)/.test(l))).toBe(true);

    const mark = stack!.lines.length;
    const cold = await call('/');
    expect(cold.status).toBe(200);
    expect(await cold.text()).toBe('Welcome to MultiVAC!');
    expect(question.starts).toBe(startsBefore + 1);
    expect(question.pid).not.toBe(pid);
    const logged = stack!.lines
      .slice(mark)
      .find((l) => /^question\s*\| cold start in \d+ ms$/.test(l));
    expect(logged).toBeDefined();
    console.log(`scale to zero: ${logged}`);
  });
});

describe('feed, learn, answer', () => {
  let relevantUrls: Set<string>;
  let job: JobJson;
  let answer: AnswerJson;
  let answerText: string;

  it('PUT /multivac/data accepts every corpus page', async () => {
    relevantUrls = new Set(corpus.pages.filter((p) => p.relevant).map((p) => p.url));
    expect(relevantUrls.size).toBeGreaterThanOrEqual(3);
    // Every relevant page, and every irrelevant one too, so "only relevant pages are cited"
    // means something.
    for (const page of corpus.pages) {
      const res = await call('/multivac/data', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: page.url }),
      });
      expect(res.status, page.url).toBe(202);
      const body = (await res.json()) as { id: string; url: string; state: string };
      expect(body).toMatchObject({ url: page.url, id: expect.any(String) });
      expect(res.headers.get('location')).toBe(`/multivac/data/${body.id}`);
    }
    const again = await call('/multivac/data', {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ URL: corpus.pages[0]!.url }).toString(),
    });
    expect([200, 202]).toContain(again.status);
    await again.arrayBuffer();
  });

  it('POST /multivac starts a job that succeeds', async () => {
    const res = await call('/multivac', { method: 'POST' });
    expect(res.status).toBe(202);
    const started = (await res.json()) as { jobId: string; state: string };
    expect(res.headers.get('location')).toBe(`/multivac/jobs/${started.jobId}`);
    const began = Date.now();
    job = await eventually(
      'the learning job to finish',
      async () => {
        const current = await getJson<JobJson>(`/multivac/jobs/${started.jobId}`);
        return current.state === 'succeeded' || current.state === 'failed' ? current : undefined;
      },
      { timeoutMs: JOB_TIMEOUT_MS, everyMs: 500 },
    );
    console.log(
      `learning job ${job.jobId}: ${job.state} in ${Date.now() - began} ms (total ${job.total}, done ${job.done}, failed ${job.failed})`,
    );
    expect(job).toMatchObject({ state: 'succeeded', failed: 0 });
    expect(job.total).toBeGreaterThanOrEqual(corpus.pages.length);
    expect(job.done).toBe(job.total);

    const sources = await getJson<{ items: { url: string; state: string }[] }>(
      '/multivac/data?limit=100',
    );
    const states = new Map(sources.items.map((s) => [s.url, s.state]));
    for (const page of corpus.pages) expect(states.get(page.url), page.url).toBe('acquired');
  });

  it('GET /multivac answers, citing only relevant pages', async () => {
    answer = await getJson<AnswerJson>('/multivac');
    expect(answer.status).toBe('answered');
    expect(answer.confidence).toBeGreaterThan(0);
    expect(answer.confidence).toBeLessThanOrEqual(1);
    expect(answer.sources.length).toBeGreaterThanOrEqual(2);
    expect(answer.sources.map((s) => s.n)).toEqual(answer.sources.map((_, i) => i + 1));
    const titles = new Map(corpus.pages.map((p) => [p.url, p.title]));
    for (const source of answer.sources) {
      expect(relevantUrls.has(source.url), `cited ${source.url}`).toBe(true);
      expect(source.title).toBe(titles.get(source.url));
    }

    const res = await call('/multivac');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    answerText = await res.text();
    expect(answerText).not.toBe(INSUFFICIENT);
    expect(answerText).toBe(answer.answer);
    for (const { n, url } of answer.sources) {
      expect(answerText).toContain(`[${n}]`);
      expect(answerText).toContain(url);
    }
    console.log(`answer (confidence ${answer.confidence}):\n${answerText}`);

    // Conditional GET by knowledge version.
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await call('/multivac', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('after a restart on the same data directory, the answer and the sources are still there', async () => {
    const before = await getJson<AnswerJson>('/multivac');
    const beforeText = await (await call('/multivac')).text();
    const fed = await getJson<{ items: { id: string; url: string; state: string }[] }>(
      '/multivac/data?limit=100',
    );
    expect(fed.items.length).toBeGreaterThanOrEqual(corpus.pages.length);
    harvestColdStarts(stack!);
    await stack!.stop();
    stack = undefined;
    await start();

    expect(await getJson<AnswerJson>('/multivac')).toEqual(before);
    expect(await (await call('/multivac')).text()).toBe(beforeText);
    const after = await getJson<{ items: { id: string; url: string; state: string }[] }>(
      '/multivac/data?limit=100',
    );
    expect(after.items).toEqual(fed.items);
    if (job) {
      const finished = await getJson<JobJson>(`/multivac/jobs/${job.jobId}`);
      expect(finished.state).toBe(job.state);
    }
    // The previous test's answer, when there was one, is what survived.
    if (answer) expect(before).toEqual(answer);
  });
});
