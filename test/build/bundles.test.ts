/**
 * Every function's bundle runs on its own (docs/architecture.md#runtime, issue 5): built by
 * tools/build, copied to a directory with no node_modules anywhere above it, started with plain
 * `node` and the environment its container gets, it logs that it listens, answers its health check
 * and serves a real request. Started against unreachable Redis and MongoDB it still comes up:
 * drivers connect on first use.
 */
import { isBuiltin } from 'node:module';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HTTP } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType, makeEvent, type EventTypeName } from '../../shared/events/index';
import {
  bundleFunction,
  discoverFunctions,
  OPTIONAL_PEERS,
  type BundleReport,
  type FunctionSource,
} from '../../tools/build/index';
import { DRIVERS, driverBundle } from '../../shared/runtime/drivers';
import { NODE_FLAGS_FILE } from '../../shared/runtime/node-flags';
import { readServiceSpec } from '../../tools/dev/service-spec';
import { freePort } from '../../tools/services/index';
import { runBundle, type RunningBundle } from '../e2e/support/child';
import { startEventSink, type EventSink } from '../support/sink';
import { servers, uniqueDbName, uniquePrefix } from '../support/isolation';

const root = resolve(import.meta.dirname, '../..');
const functions = await discoverFunctions(root);

/** The data stores a function connects to as soon as it listens (question: MongoDB on a miss only). */
const EARLY: Record<string, ('mongodb' | 'redis')[]> = {
  question: ['redis'],
  data: ['mongodb', 'redis'],
  process: ['mongodb', 'redis'],
  learn: ['mongodb', 'redis'],
  acquire: ['mongodb'],
};

/** Polls `probe` until it returns something (at most 10 s). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    if (i > 100) throw new Error('not within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A generous ceiling: a bundle growing past it has picked up something it should not carry. */
const MAX_BUNDLE_BYTES = 6 * 1024 * 1024;

let dir: string;
let sink: EventSink;
const reports: BundleReport[] = [];

/**
 * What a cold start's first caller sends each function: the cheapest request it answers itself
 * (the cold-start benchmark's probes). The broker's first requests wait for its drivers.
 */
const FIRST_REQUEST: Record<
  string,
  () => { method: string; path: string; headers?: object; body?: string }
> = {
  question: () => ({ method: 'GET', path: '/' }),
  console: () => ({ method: 'GET', path: '/' }),
  data: () => ({ method: 'GET', path: '/multivac/data' }),
  process: () => ({ method: 'POST', path: '/multivac' }),
  acquire: () => ({
    path: '/',
    ...binaryEvent(EventType.SourceRequested, {
      sourceId: 'build-test-none',
      url: 'http://127.0.0.1:9/',
    }),
  }),
  learn: () => ({
    path: '/',
    ...binaryEvent(EventType.LearningRequested, { jobId: 'build-test-none' }),
  }),
};

/** Node's modules that no function uses on its first request. */
const UNUSED_AT_FIRST_ANSWER = [
  'dns',
  'zlib',
  'worker_threads',
  'internal/perf/performance',
  'assert',
  'tls',
  'http2',
  'internal/fs/promises',
  'internal/deps/undici/undici',
];

/**
 * A preload that sends MULTIVAC_TEST_FIRST_REQUEST as the function's server (on PORT) starts
 * listening and prints the answer's status and which of UNUSED_AT_FIRST_ANSWER were loaded by the
 * time it went out.
 */
let watcher: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-bundles-'));
  sink = await startEventSink();
  watcher = join(dir, 'first-answer-watcher.cjs');
  await writeFile(
    watcher,
    `const http = require('node:http');
     const emit = http.Server.prototype.emit;
     let first = true;
     http.Server.prototype.emit = function (event, req, res) {
       if (this.address()?.port !== Number(process.env.PORT)) return emit.apply(this, arguments);
       if (event === 'listening') {
         const { method, path, headers = {}, body } = JSON.parse(process.env.MULTIVAC_TEST_FIRST_REQUEST);
         http.request({ host: '127.0.0.1', port: process.env.PORT, method, path, headers }, (r) => r.resume()).end(body);
       } else if (event === 'request' && first) {
         first = false;
         // As the answer goes out: the warm-up starts after it.
         res.once('finish', () => {
           const loaded = ${JSON.stringify(UNUSED_AT_FIRST_ANSWER)}.filter((m) =>
             process.moduleLoadList.includes('NativeModule ' + m));
           const line = JSON.stringify({ status: res.statusCode, loaded });
           require('node:fs').writeSync(2, 'MULTIVAC_LOADED_AT_FIRST_ANSWER ' + line + '\\n');
         });
       }
       return emit.apply(this, arguments);
     };`,
  );
});

afterAll(async () => {
  if (reports.length) {
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      reports
        .map(
          (r) =>
            `${r.name.padEnd(10)} ${kib(r.bytes).padStart(9)}  ${r.largest.map((l) => `${l.path} ${kib(l.bytes)}`).join(', ')}`,
        )
        .join('\n'),
    );
  }
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, init?: RequestInit) =>
  fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { status: number; detail?: string };
}

function binaryEvent(type: EventTypeName, data: object) {
  const message = HTTP.binary(
    makeEvent(type, data as never, { source: '/multivac/build-test', id: uniquePrefix('ev') }),
  );
  return {
    method: 'POST',
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  };
}

/** A real request for each function we know; for a new one, what every function must do. */
async function answersARealRequest(fn: FunctionSource, url: string): Promise<void> {
  switch (fn.name) {
    case 'question': {
      const welcome = await get(`${url}/`);
      expect(welcome.status).toBe(200);
      expect(welcome.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await welcome.text()).toBe('Welcome to MultiVAC!');
      const answer = await get(`${url}/multivac`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('INSUFFICIENT DATA FOR MEANINGFUL ANSWER.');
      return;
    }
    case 'console': {
      // The page links its hashed assets; each is served from the bundle itself.
      const page = await get(`${url}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await page.text();
      const links = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]!);
      expect(links.map((l) => l.split('.').pop()).sort()).toEqual(['css', 'js', 'svg']);
      for (const link of links) {
        const asset = await get(`${url}${link}`);
        expect(asset.status, link).toBe(200);
        expect((await asset.arrayBuffer()).byteLength, link).toBeGreaterThan(0);
      }
      return;
    }
    case 'data': {
      const list = await get(`${url}/multivac/data`);
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ items: [], next: null });
      return;
    }
    case 'process': {
      const before = sink.events.length;
      const started = await get(`${url}/multivac`, { method: 'POST' });
      expect(started.status).toBe(202);
      const { jobId } = (await started.json()) as { jobId: string };
      expect(started.headers.get('location')).toBe(`/multivac/jobs/${jobId}`);
      const job = await get(`${url}/multivac/jobs/${jobId}`);
      expect(job.status).toBe(200);
      expect(
        sink.events.slice(before).map((e) => [e.type, (e.data as { jobId: string }).jobId]),
      ).toEqual([[EventType.LearningRequested, jobId]]);
      await problem(await get(`${url}/multivac/jobs/no-such-job`), 404);
      return;
    }
    case 'acquire': {
      // An event for a source nobody registered: handled without a server error.
      const res = await get(
        `${url}/`,
        binaryEvent(EventType.SourceRequested, {
          sourceId: 'build-test-none',
          url: 'http://127.0.0.1:9/',
        }),
      );
      await res.arrayBuffer();
      expect(res.status).toBeLessThan(500);
      break;
    }
    case 'learn': {
      const res = await get(
        `${url}/`,
        binaryEvent(EventType.LearningRequested, { jobId: 'build-test-none' }),
      );
      await res.arrayBuffer();
      expect(res.status).toBeLessThan(500);
      break;
    }
    case 'broker': {
      const res = await get(
        `${url}/`,
        binaryEvent(EventType.AnswerUpdated, { version: 1, status: 'insufficient', confidence: 0 }),
      );
      await res.arrayBuffer();
      expect(res.status).toBe(202);
      return;
    }
    default:
      if (fn.kind === 'http') {
        const res = await get(`${url}/`);
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }
  }
  if (fn.kind === 'cloudevent') {
    // MultiVAC's guard in front of the framework: a malformed event is a 400 (dead-lettered at
    // once), not the framework's 500 (retried in vain); other methods are refused.
    await problem(
      await get(`${url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"not":"an event"}',
      }),
      400,
    );
    await problem(await get(`${url}/`), 405);
  }
}

describe.each(functions.map((fn) => [fn.name, fn] as const))('%s bundle', (name, fn) => {
  let runDir: string;
  let report: BundleReport;
  const running: RunningBundle[] = [];

  beforeAll(async () => {
    report = await bundleFunction(fn, root, join(dir, 'build'));
    reports.push(report);
    // A directory with no node_modules above it (and HOME pointing there too, so Node's global
    // folders ~/.node_modules and ~/.node_libraries cannot help either).
    runDir = join(dir, 'run', name);
    await mkdir(runDir, { recursive: true });
    await cp(join(dir, 'build', name), runDir, { recursive: true });
    await rm(join(runDir, 'meta.json'));
    if (name === 'broker')
      await cp(join(root, 'knative/base/triggers.yaml'), join(runDir, 'triggers.yaml'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
  });

  /** The real Redis and MongoDB-wire servers, a database and key prefix of its own, the sink. */
  function withServers(): Record<string, string> {
    const { redisUrl, mongoUri } = servers();
    const env: Record<string, string> = {
      REDIS_URL: redisUrl,
      MONGODB_URI: mongoUri,
      MONGODB_DB: uniqueDbName('bundle'),
      MULTIVAC_CACHE_PREFIX: uniquePrefix(name).replaceAll(':', '.').slice(0, 60),
      K_SINK: sink.url,
    };
    if (name === 'broker') {
      Object.assign(env, {
        MULTIVAC_TRIGGERS_FILE: join(runDir, 'triggers.yaml'),
        MULTIVAC_STREAM: `${uniquePrefix('bundle')}:events`,
        MULTIVAC_BROKER_HOST: '127.0.0.1',
        // Deliveries go nowhere: this test only publishes an event nobody subscribes to.
        MULTIVAC_SUBSCRIBER_URL: 'http://127.0.0.1:9/{name}',
        MULTIVAC_CONSUMER_NAME: 'build-test',
      });
    }
    return env;
  }

  async function start(env: Record<string, string>): Promise<{ url: string; proc: RunningBundle }> {
    const port = await freePort();
    const proc = runBundle(join(runDir, 'index.cjs'), runDir, {
      PATH: process.env.PATH,
      HOME: runDir,
      PORT: String(port),
      K_SERVICE: name,
      LOG_LEVEL: 'info',
      ...env,
    });
    running.push(proc);
    return { url: `http://127.0.0.1:${port}`, proc };
  }

  it('is self-contained: only Node built-ins, absent optional peers and the network clients of its driver bundles stay external', async () => {
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(await readdir(runDir)).not.toContain('node_modules');
    const meta = JSON.parse(await readFile(join(dir, 'build', name, 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const externals = Object.values(meta.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external)
      .map((i) => i.path);
    const unexpected = externals.filter(
      (p) =>
        // `node:sqlite` and other scheme-only built-ins are not in every version's list.
        !(isBuiltin(p) || p.startsWith('node:')) &&
        !DRIVERS.includes(p) &&
        !OPTIONAL_PEERS.some((peer) => p === peer || p.startsWith(`${peer}/`)),
    );
    expect(unexpected).toEqual([]);
    // Every network client it requires is in a bundle of its own, beside it.
    const clients = DRIVERS.filter((d) => externals.includes(d));
    expect(report.drivers?.names ?? []).toEqual(clients);
    const files = await readdir(runDir);
    for (const client of clients) expect(files).toContain(driverBundle(client));
  });

  it("starts with the V8 code cache the build made for it, with its manifest's Node flags", async () => {
    expect(report.codeCacheBytes).toBeGreaterThan(100 * 1024);
    // runBundle starts it with these: the cache fits only if it was made with them too.
    expect(JSON.parse(await readFile(join(runDir, NODE_FLAGS_FILE), 'utf8'))).toEqual(
      (await readServiceSpec(root, name)).nodeArgs ?? [],
    );
    const { proc } = await start({
      NODE_DEBUG: 'codecache',
      REDIS_URL: 'redis://127.0.0.1:9',
      MONGODB_URI: 'mongodb://127.0.0.1:9',
      K_SINK: 'http://127.0.0.1:9/',
      ...(name === 'broker' ? { MULTIVAC_TRIGGERS_FILE: join(runDir, 'triggers.yaml') } : {}),
    });
    expect(await proc.waitForLine(/CODECACHE \d+: \w+ for /)).toMatch(
      /accepted for .*function\.cjs$/,
    );
    // A network client, loaded once it listens, with its own cache.
    if (report.drivers)
      expect(await proc.waitForLine(/CODECACHE \d+: \w+ for .*driver-\w+\.cjs$/)).toMatch(
        /accepted for /,
      );
    await proc.stop();
  });

  it('starts from a directory without node_modules, listens, is healthy and serves a real request', async () => {
    const metricsPort = await freePort();
    const { url, proc } = await start({
      ...withServers(),
      METRICS_PORT: String(metricsPort),
      // The MongoDB command counter below shows the early connection.
      MULTIVAC_MONGODB_COMMAND_METRICS: 'true',
    });
    const listening = await proc.waitForLine(/"message":"[^"]*listening/);
    expect(JSON.parse(listening)).toMatchObject({ severity: 'INFO', service: name });
    if (name === 'broker') await proc.waitForLine(/"message":"broker ready"/);

    for (const store of EARLY[name] ?? []) {
      // Drivers loaded and connections opened as soon as it listens, before any request.
      const used = new RegExp(`multivac_${store}_commands_total\\{[^}]*\\} [1-9]`);
      await eventually(async () => {
        const t = await (await get(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return used.test(t) ? t : undefined;
      });
    }

    const health = await get(`${url}/healthz`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
    await answersARealRequest(fn, url);

    const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# HELP /m);

    expect(proc.alive()).toBe(true);
    expect(proc.lines.join('\n')).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/);
    await proc.stop();
    expect(proc.child.exitCode).toBe(0);
  });

  it.skipIf(!FIRST_REQUEST[name])(
    "answers its first request without loading Node's modules that it does not use then",
    async () => {
      // Each costs 1.5-3.5 ms of a cold start (the shims of tools/build/loaded-on-first-call.ts
      // and the drivers' clock, shared/runtime/performance.ts, keep them out). The request is
      // sent as the server starts listening, as a cold start's first caller does, so that the
      // warm-up after it has not begun.
      const { proc } = await start({
        ...withServers(),
        NODE_OPTIONS: `--require ${watcher}`,
        MULTIVAC_TEST_FIRST_REQUEST: JSON.stringify(FIRST_REQUEST[name]!()),
      });
      const line = await proc.waitForLine(/^MULTIVAC_LOADED_AT_FIRST_ANSWER /);
      const { status, loaded } = JSON.parse(line.slice(line.indexOf(' ') + 1)) as {
        status: number;
        loaded: string[];
      };
      expect(status).toBeLessThan(500);
      expect(loaded).toEqual([]);
      await proc.stop();
    },
  );

  it.skipIf(fn.kind === 'standalone')(
    'comes up with Redis and MongoDB unreachable: it serves; connecting is left to the background',
    async () => {
      // Valid configuration, servers that refuse connections (port 9 on loopback: discard).
      const { url, proc } = await start({
        REDIS_URL: 'redis://127.0.0.1:9',
        MONGODB_URI: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=1000',
        K_SINK: 'http://127.0.0.1:9/',
      });
      const line = JSON.parse(await proc.waitForLine(/"message":"[^"]*listening/)) as {
        startupMs: number;
      };
      expect(line.startupMs).toBeLessThan(2000);
      const health = await get(`${url}/readyz`);
      expect(health.status).toBe(200);
      await health.arrayBuffer();
      if (name === 'question') {
        const welcome = await get(`${url}/`);
        expect(await welcome.text()).toBe('Welcome to MultiVAC!');
      }
      // Connecting happens after it listens and does not stop it: no connection error was logged.
      expect(proc.lines.join('\n')).not.toMatch(/ECONNREFUSED|MongoServerSelectionError/);
      expect(proc.alive()).toBe(true);
      await proc.stop();
    },
  );
});
