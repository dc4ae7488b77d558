/**
 * What a function's container runs: `node index.cjs`. It loads the function's bundle
 * (`function.cjs`, beside it, and `driver-<name>.cjs` when it first requires a network client)
 * through V8 with the code cache built for it (`<file>.cache`), so that a cold start does not
 * parse and compile the bundle's code again: V8 takes the compiled code of every function that
 * ran while the cache was made. A cache that does not fit (another Node, other V8 flags, a changed
 * bundle) is ignored by V8 and the bundle is compiled as usual.
 *
 * `node index.cjs --write-code-cache` makes the cache: it runs the function, sends it the
 * requests a first caller would (probes, a page, an event), then writes what V8 compiled and
 * exits. The build does this with the same Node the image runs, and with a Redis and a
 * MongoDB-wire server to talk to (REDIS_URL, MONGODB_URI) where it has them.
 */
import type * as ChildProcessModule from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { debuglog } from 'node:util';
import { Script } from 'node:vm';
import { DRIVERS, driverBundle } from './drivers';
import { NODE_FLAGS_FILE, ownNodeFlags } from './node-flags';

/** `NODE_DEBUG=codecache` says whether V8 took the code cache. */
const debug = debuglog('codecache');

const bundle = join(__dirname, 'function.cjs');
/**
 * The network clients (MongoDB and Redis drivers, undici), each bundled apart (tools/build): a
 * function loads one when it first needs it, so its start neither reads nor deserializes their
 * code. Each file has its own code cache.
 */
const drivers = new Map<string, unknown>();
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'] as const;

/** Every script compiled so far, with the file its code cache belongs in. */
const loaded: { script: Script; file: string }[] = [];

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
}

/** Compiles and runs `file` as CommonJS, as Node's own loader would; its exports. */
function run(file: string): unknown {
  const cachedData = readCache(file);
  // esbuild writes ASCII (anything else escaped), so latin1 reads it exactly, without decoding.
  const source = WRAPPER[0] + readFileSync(file, 'latin1') + WRAPPER[1];
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  debug(
    cachedData === undefined
      ? 'none for %s'
      : script.cachedDataRejected
        ? 'rejected for %s'
        : 'accepted for %s',
    file,
  );
  loaded.push({ script, file });
  const wrapped = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  wrapped.call(module.exports, module.exports, requireFor(file), module, file, dirname(file));
  return module.exports;
}

/** Node's `require` for `file`, except that the drivers come from their own bundles. */
function requireFor(file: string): NodeJS.Require {
  const base = createRequire(file);
  const require = (id: string): unknown => {
    if (!DRIVERS.includes(id)) return base(id);
    if (!drivers.has(id)) drivers.set(id, run(join(__dirname, driverBundle(id))));
    return drivers.get(id);
  };
  return Object.assign(require, base) as NodeJS.Require;
}

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A structured CloudEvent of MultiVAC's catalogue, for a source or job that does not exist. */
const event = (type: string, data: object): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/cloudevents+json' },
  body: JSON.stringify({
    specversion: '1.0',
    type: `dev.multivac.${type}`,
    source: '/multivac/code-cache',
    id: `code-cache-${type}`,
    datacontenttype: 'application/json',
    data,
  }),
});

/**
 * Requests of a first caller, each function's own among them (a function answers the others with
 * a 404 or 405); their answers do not matter, only the code they run.
 */
async function warmUp(base: string): Promise<void> {
  const requests: [string, RequestInit][] = [
    ['/healthz', {}],
    ['/readyz', {}],
    ['/', {}],
    ['/', { headers: { accept: 'text/html' } }],
    ['/multivac', {}],
    ['/multivac', { headers: { accept: 'application/json' } }],
    ['/multivac/data', {}],
    ['/multivac/jobs/code-cache', {}],
    ['/', event('learning.requested', { jobId: 'code-cache' })],
    ['/', event('source.requested', { sourceId: 'code-cache', url: 'http://127.0.0.1:1/' })],
    ['/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
  ];
  for (const [path, init] of requests) {
    await fetch(base + path, { ...init, signal: AbortSignal.timeout(2000) }).then(
      (res) => res.arrayBuffer(),
      () => undefined,
    );
  }
}

/**
 * Resolves once `url`'s server accepts connections (at most 10 s): the servers a training run is
 * given may still be starting. `mongodb://` and `redis://` URLs of one host, as the build gives.
 */
async function accepting(url: string, defaultPort: number): Promise<void> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port || defaultPort), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not accept a connection within 10 s`);
}

async function writeCodeCache(): Promise<void> {
  const port = await freePort();
  // A container's configuration is not there at build time: whatever is missing points nowhere.
  // Given servers (the Dockerfile's, tools/build's), the first requests connect and query, and
  // the drivers' code for that is compiled into the cache too; the data it writes goes to a
  // database of its own.
  process.env.PORT = String(port);
  delete process.env.METRICS_PORT;
  if (process.env.REDIS_URL) await accepting(process.env.REDIS_URL, 6379);
  if (process.env.MONGODB_URI) await accepting(process.env.MONGODB_URI, 27017);
  process.env.REDIS_URL ??= 'redis://127.0.0.1:1';
  process.env.MONGODB_URI ??= 'mongodb://127.0.0.1:1';
  process.env.MONGODB_DB ??= 'multivac-code-cache';
  process.env.K_SINK ??= 'http://127.0.0.1:1/';
  process.env.LOG_LEVEL ??= 'silent';
  process.env.MULTIVAC_LISTEN_HOST ??= '127.0.0.1';
  run(bundle);
  // Written on the way out, whichever way that is: a function that stops for lack of a server
  // (the broker without Redis) still leaves the code it compiled until then.
  process.once('exit', () => {
    for (const { script, file } of loaded) {
      const data = script.createCachedData();
      writeFileSync(`${file}.cache`, data);
      console.log(`code cache: ${data.length} bytes for ${file}`);
    }
    process.exitCode = 0;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 500) throw new Error('the function did not start within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  await warmUp(base);
  process.exit(0);
}

/** The function's own Node flags (node-flags.json) this process was started without. */
const missingFlags = () =>
  ownNodeFlags(__dirname).filter((flag) => !process.execArgv.includes(flag));

const writing = process.argv.includes('--write-code-cache');
const missing = writing ? missingFlags() : [];

if (missing.length) {
  // The image's build stage runs `node --liftoff-only index.cjs --write-code-cache` for every
  // function alike (it has no shell to read the flags with): the cache is made by a Node with the
  // function's own flags too, or V8 would refuse it when the container starts with them.
  // Required here, not imported: a cold start has no use for node:child_process.
  const { spawnSync } = createRequire(__filename)(
    'node:child_process',
  ) as typeof ChildProcessModule;
  const made = spawnSync(
    process.execPath,
    [...process.execArgv, ...missing, __filename, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(made.status ?? 1);
} else if (writing) {
  writeCodeCache().catch((err: unknown) => {
    console.error(`code cache: ${(err as Error).message}`);
    process.exit(1);
  });
} else {
  // Read only when asked: a cold start has no other use for the file.
  const absent = debug.enabled ? missingFlags() : [];
  if (absent.length)
    debug('started without %s (%s): the code cache will not fit', absent, NODE_FLAGS_FILE);
  run(bundle);
}
