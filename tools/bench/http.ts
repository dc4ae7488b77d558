/**
 * `GET /multivac` with a cached answer: requests per second and p50/p99 latency through the
 * local gateway and straight to the `question` function's process, next to a bare Node `http`
 * server (its own process) answering the same status, headers and body, in the same run. The load
 * comes from autocannon in its own process. The answer is seeded into MongoDB and the Redis cache
 * directly, as `learn` would write it, so nothing but `question` has to run.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCache, setCachedAnswer } from '../../shared/cache/index';
import { createRedis } from '../../shared/redis/index';
import { NODE_FLAGS } from '../../shared/runtime/node-flags';
import { answerToView, collections, createStore, type AnswerDoc } from '../../shared/store/index';
import { readServiceSpec } from '../dev/service-spec';
import { startStack, type Stack } from '../dev/stack';
import { freePort, spawnServer, waitUntil, type ServerProcess } from '../services/index';
import { buildHello } from './baselines';
import { cpuSecondsOf, stackPeakRss } from './proc';
import { median, ratio } from './stats';
import type { Benchmark } from './types';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/** Concurrent connections of the load generator. */
const CONNECTIONS = 50;
/** Requests a second for the CPU-per-request rounds: below what either process can serve. */
const FIXED_RATE = 3_000;
const DB = 'multivac_bench_http';
const PREFIX = 'multivac-bench-http';
/** The second hello-world process: the noise floor of the ratios. */
const CONTROL = 'hello-world FF function, second process (control)';

/** An answer of the size and shape `learn` writes: cited passages, then the numbered sources. */
export const SEEDED_ANSWER: AnswerDoc = {
  _id: 1,
  status: 'answered',
  answer: [
    'No known process can reverse the growth of entropy in the universe as a whole, although local decreases are common: a refrigerator lowers the entropy inside it only by releasing more entropy into the room [1].',
    "Maxwell's demon appears to sort molecules for free until the cost of erasing its memory is counted; Landauer's principle sets the minimum heat released when one bit of information is erased [2].",
    'The Poincaré recurrence theorem promises a return to low entropy only after unimaginable times, and in a big bounce the entropy of the previous cycle is diluted rather than destroyed [3].',
    '',
    '[1] Notes on entropy and the universe, part 0 — http://127.0.0.1/generated/0.html',
    '[2] Thinking about entropy and the universe, part 3 — http://127.0.0.1/generated/3.html',
    '[3] Questions about entropy and the universe, part 6 — http://127.0.0.1/generated/6.html',
  ].join('\n'),
  confidence: 0.62,
  sources: [0, 3, 6].map((n, i) => ({
    n: i + 1,
    url: `http://127.0.0.1/generated/${n}.html`,
    title: `Entropy and the universe, part ${n}`,
  })),
  knowledgeVersion: '1',
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  requests: number;
}

/** Runs autocannon (its own process) against `url` for `seconds`. */
export function load(
  url: string,
  seconds: number,
  connections = CONNECTIONS,
  extra: string[] = [],
): Promise<LoadResult> {
  return new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      [
        require.resolve('autocannon'),
        '--json',
        '-c',
        String(connections),
        '-d',
        String(seconds),
        ...extra,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        const r = JSON.parse(out) as {
          requests: { average: number; total: number };
          latency: { p50: number; p99: number; mean: number };
          errors: number;
          timeouts: number;
          non2xx: number;
        };
        ok({
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          mean: r.latency.mean,
          errors: r.errors + r.timeouts + r.non2xx,
          requests: r.requests.total,
        });
      } catch {
        fail(new Error(`autocannon exited with ${code}: ${err.slice(-500)}`));
      }
    });
  });
}

/** A bare Node server answering every request with `status`, `headers` and `body`. */
async function startBare(
  dir: string,
  reply: { status: number; headers: Record<string, string>; body: string },
  nodeFlags: readonly string[],
): Promise<{ url: string; server: ServerProcess }> {
  const file = join(dir, 'bare.cjs');
  await writeFile(
    file,
    `const reply = ${JSON.stringify(reply)};
require('node:http')
  .createServer((req, res) => { req.resume(); res.writeHead(reply.status, reply.headers).end(reply.body); })
  .listen(Number(process.env.PORT), '127.0.0.1');`,
  );
  const port = await freePort();
  const server = spawnServer(process.execPath, [...nodeFlags, file], join(dir, 'bare.log'), {
    PATH: process.env.PATH,
    PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}/multivac`;
  await waitUntil('bare server', async () => (await fetch(url)).ok, { exited: server.exited });
  return { url, server };
}

/**
 * The hello-world baseline (tools/bench/hello, built as `file`) answering with the same status,
 * headers and body; `label` names its log.
 */
async function startHello(
  file: string,
  dir: string,
  label: string,
  reply: { status: number; headers: Record<string, string>; body: string },
  nodeFlags: readonly string[],
): Promise<{ url: string; server: ServerProcess }> {
  const port = await freePort();
  const server = spawnServer(process.execPath, [...nodeFlags, file], join(dir, `${label}.log`), {
    PATH: process.env.PATH,
    PORT: String(port),
    HELLO_STATUS: String(reply.status),
    HELLO_HEADERS: JSON.stringify(reply.headers),
    HELLO_BODY: reply.body,
  });
  const url = `http://127.0.0.1:${port}/multivac`;
  await waitUntil('hello-world function', async () => (await fetch(url)).ok, {
    exited: server.exited,
  });
  return { url, server };
}

/** Seeds the answer where `learn` writes it: the newest `answers` version and the Redis cache. */
async function seed(stack: Stack): Promise<() => Promise<void>> {
  const store = createStore({ uri: stack.services.mongo.uri, dbName: DB });
  const db = await store.db();
  await collections(db).answers.deleteMany({});
  await collections(db).answers.insertOne(SEEDED_ANSWER);
  const redis = createRedis(stack.services.redis.url);
  await setCachedAnswer(createCache(redis, PREFIX), answerToView(SEEDED_ANSWER), 3600);
  return async () => {
    await db.dropDatabase().catch(() => {});
    await store.close();
    await redis.quit();
  };
}

export const run: Benchmark = async ({ quick }) => {
  const seconds = quick ? 3 : 8;
  const rounds = quick ? 1 : 3;
  const dir = await mkdtemp(join(tmpdir(), 'multivac-bench-http-'));
  const lines: string[] = [];
  let stack: Stack | undefined;
  let bare: ServerProcess | undefined;
  let helloServer: ServerProcess | undefined;
  let controlServer: ServerProcess | undefined;
  let unseed: (() => Promise<void>) | undefined;
  try {
    // Not `warm`: only question starts (on the first request) and stays up for the whole run,
    // so the other functions neither share the two cores nor show up in the memory figures.
    stack = await startStack({
      root,
      dataDir: dir,
      port: 0,
      warm: false,
      idleSeconds: 3600,
      env: { ...process.env, LOG_LEVEL: 'warn', MONGODB_DB: DB, MULTIVAC_CACHE_PREFIX: PREFIX },
      out: (line) => lines.push(line),
    });
    unseed = await seed(stack);

    const viaGateway = `${stack.url}/multivac`;
    const first = await fetch(viaGateway);
    const body = await first.text();
    if (first.status !== 200 || body !== SEEDED_ANSWER.answer)
      throw new Error(`GET /multivac answered ${first.status} ${JSON.stringify(body)}`);
    const question = stack.functions.get('question')!;
    const direct = `http://127.0.0.1:${question.target.port}/multivac`;
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'etag', 'vary', 'cache-control', 'content-length'])
      headers[name] = first.headers.get(name) ?? '';
    // The baselines run under question's own Node flags (the image's and its manifest's
    // NODE_OPTIONS, which the stack gives question too): the heap limits cost every process alike.
    const flags = [
      ...NODE_FLAGS,
      ...((await readServiceSpec(root, 'question')).nodeOptions?.split(/\s+/) ?? []),
    ];
    const started = await startBare(dir, { status: 200, headers, body }, flags);
    bare = started.server;
    const helloFile = await buildHello(join(dir, 'hello-build'));
    const reply = { status: 200, headers, body };
    const hello = await startHello(helloFile, dir, 'hello', reply, flags);
    helloServer = hello.server;
    // The same function in a second process: how far apart two identical servers measure in this
    // run, which is the noise floor of every ratio below.
    const control = await startHello(helloFile, dir, 'hello-control', reply, flags);
    controlServer = control.server;

    const targets = [
      { name: 'bare node http (baseline)', url: started.url },
      { name: 'hello-world FF function (baseline)', url: hello.url },
      { name: 'question, direct', url: direct },
      { name: 'question via gateway', url: viaGateway },
      // The same process without the answer: what the runtime and router cost by themselves.
      { name: 'question GET / (welcome), direct', url: direct.replace(/\/multivac$/, '/') },
      { name: CONTROL, url: control.url },
    ];
    for (const t of targets) await load(t.url, 1);
    const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
    // Interleaved, so that a noisy moment of the machine is shared by all the targets, and in
    // the opposite order every other round, so that no target always follows the same one.
    for (let r = 0; r < rounds; r++)
      for (const t of r % 2 ? [...targets].reverse() : targets)
        results.get(t.name)!.push(await load(t.url, seconds));

    // CPU per request at a rate both sustain: less moved by a busy machine than the highest rate.
    const cpuPerRequest = async (url: string, pid: number | undefined) => {
      const before = await cpuSecondsOf(pid);
      const r = await load(url, seconds, CONNECTIONS, ['-R', String(FIXED_RATE)]);
      const after = await cpuSecondsOf(pid);
      return before === undefined || after === undefined || r.requests === 0
        ? undefined
        : ((after - before) * 1e6) / r.requests;
    };
    const cpu = { hello: [] as number[], question: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const measure = {
        hello: () => cpuPerRequest(hello.url, hello.server.pid),
        question: () => cpuPerRequest(direct, question.pid),
      };
      const [first, second] =
        r % 2 ? (['question', 'hello'] as const) : (['hello', 'question'] as const);
      const a = await measure[first]();
      const b = await measure[second]();
      if (a === undefined || b === undefined) continue;
      cpu[first].push(a);
      cpu[second].push(b);
    }

    const summary = (name: string) => {
      const all = results.get(name)!;
      return {
        rps: median(all.map((x) => x.rps)),
        p50: median(all.map((x) => x.p50)),
        p99: median(all.map((x) => x.p99)),
        mean: median(all.map((x) => x.mean)),
        errors: all.reduce((n, x) => n + x.errors, 0),
        requests: all.reduce((n, x) => n + x.requests, 0),
      };
    };
    const base = summary(targets[0]!.name);
    const framework = summary(targets[1]!.name);
    const safeRatio = (a: number, b: number) => (b > 0 ? ratio(a, b) : 'n/a');
    const rows = targets.map((t) => {
      const s = summary(t.name);
      return {
        target: t.name,
        'req/s': Math.round(s.rps),
        'p50 ms': s.p50,
        'p99 ms': s.p99,
        'mean ms': Number(s.mean.toFixed(2)),
        requests: s.requests,
        errors: s.errors,
        'req/s vs bare': safeRatio(s.rps, base.rps),
        'req/s vs hello': safeRatio(s.rps, framework.rps),
      };
    });
    const rss = await stackPeakRss(stack, ['question']);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const gw = summary('question via gateway');
    const ctl = summary(CONTROL);
    const dr = summary('question, direct');
    return {
      name: 'http',
      rows,
      notes: [
        `latency vs bare: direct p50 ${safeRatio(dr.p50, base.p50)}, p99 ${safeRatio(dr.p99, base.p99)}; gateway p50 ${safeRatio(gw.p50, base.p50)}, p99 ${safeRatio(gw.p99, base.p99)}`,
        `gateway vs direct: req/s ${safeRatio(gw.rps, dr.rps)}, p99 ${safeRatio(gw.p99, dr.p99)}`,
        `GET / is answered by the same process without touching Redis: the Functions Framework, MultiVAC's guards, router, logs and metrics by themselves`,
        `hello-world FF function: the framework's own server and a function answering the same bytes (tools/bench/hello), built and started like the functions — what the framework costs by itself; question direct vs it: ${safeRatio(dr.rps, framework.rps)}`,
        `the same hello-world function in a second process measured ${safeRatio(ctl.rps, framework.rps)} of the first: two identical servers differ this much in this run, which bounds what any req/s ratio here can tell apart`,
        `peak RSS MiB: ${Object.entries(rss)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        `${CONNECTIONS} connections, no pipelining, ${rounds} interleaved round(s) of ${seconds} s per target, in the opposite order every other round (median shown; requests and errors summed); autocannon in its own process; latency resolution 1 ms`,
        ...(cpu.question.length
          ? [
              `CPU per request at a fixed ${fmt(FIXED_RATE)} requests/s (the process's own time, ${rounds} interleaved round(s), median): question ${median(cpu.question).toFixed(0)} µs, hello-world FF function ${median(cpu.hello).toFixed(0)} µs — ${ratio(median(cpu.hello), median(cpu.question))} as a rate`,
            ]
          : []),
        `the ${Buffer.byteLength(body)}-byte text answer is served from question's memory (read from the Redis cache once, then kept fresh by its announcements); the gateway runs in the benchmark's process, as in \`npm start\`; everything shares this machine`,
      ],
      summary: [
        {
          measurement: 'GET /multivac req/s, direct',
          value: fmt(dr.rps),
          baseline: `${fmt(framework.rps)} hello-world FF function`,
          ratio: safeRatio(dr.rps, framework.rps),
          goal: '≥ 0.9×',
        },
        ...(cpu.question.length
          ? [
              {
                measurement: `GET /multivac CPU per request at ${fmt(FIXED_RATE)}/s, direct`,
                value: `${median(cpu.question).toFixed(0)} µs`,
                baseline: `${median(cpu.hello).toFixed(0)} µs hello-world FF function`,
                // As the req/s ratio: above 1 when question spends less than the hello function.
                ratio: ratio(median(cpu.hello), median(cpu.question)),
              },
            ]
          : []),
        {
          measurement: 'the same hello function, a second process (noise floor)',
          value: fmt(ctl.rps),
          baseline: `${fmt(framework.rps)} hello-world FF function`,
          ratio: safeRatio(ctl.rps, framework.rps),
        },
        {
          measurement: 'hello-world FF function req/s',
          value: fmt(framework.rps),
          baseline: `${fmt(base.rps)} bare node`,
          ratio: safeRatio(framework.rps, base.rps),
        },
        {
          measurement: 'GET /multivac req/s, via gateway',
          value: fmt(gw.rps),
          baseline: `${fmt(base.rps)} bare node`,
          ratio: safeRatio(gw.rps, base.rps),
        },
        {
          measurement: 'GET /multivac p99, via gateway',
          value: `${gw.p99} ms`,
          baseline: `${base.p99} ms bare node`,
          ratio: safeRatio(gw.p99, base.p99),
        },
        {
          measurement: 'peak RSS of question during the load',
          value: `${rss.question} MiB`,
        },
      ],
    };
  } catch (err) {
    if (lines.length) console.error(lines.slice(-40).join('\n'));
    throw err;
  } finally {
    await bare?.stop();
    await helloServer?.stop();
    await controlServer?.stop();
    await unseed?.();
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  }
};
