import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundled as runBundledIn } from './bundle-for-test';
import { LOADED_ON_FIRST_CALL, loadedOnFirstCallPlugin } from './loaded-on-first-call';

const root = resolve(import.meta.dirname, '../..');

/**
 * Loads what every function's bundle loads, says which of Node's modules that took, then calls
 * what the shims stand for and says again.
 */
const ENTRY = `
const loaded = () => ['https', 'assert', 'v8', 'crypto', 'zlib', 'worker_threads'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
const client = require('prom-client');
const pino = require('pino');
const bodyParser = require('body-parser');
const expressUtils = require('express/lib/utils');
const { saslprep } = require('@mongodb-js/saslprep');
const cloudevents = require('cloudevents');
const atStart = loaded();
pino({}, { write() {} }).info('a line');
const prepared = saslprep('I\\u00ADX');
const gateway = new client.Pushgateway('http://127.0.0.1:9');
const transport = cloudevents.httpTransport('http://127.0.0.1:9');
const tag = expressUtils.etag('a body', 'utf8');
const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const id = cloudevents.CloudEvent ? new cloudevents.CloudEvent({ type: 't', source: '/s' }).id : '';
console.log(JSON.stringify({
  atStart,
  afterCalls: loaded(),
  prepared,
  gateway: typeof gateway.pushAdd,
  transport: typeof transport,
  tag,
  id,
  defaults: registry.getMetricsAsArray().length > 0 && client.collectDefaultMetrics.metricsList.includes('gc'),
  parsers: typeof bodyParser.json(),
}));
`;

type Plugins = ReturnType<typeof loadedOnFirstCallPlugin>[];

/** Bundles `contents` (as the functions are, with or without `plugins`), runs it, parses what it prints. */
const runBundled = (name: string, contents: string, plugins: Plugins) =>
  runBundledIn(root, dir, name, contents, plugins);

const run = async (plugins: Plugins) =>
  (await runBundled('entry', ENTRY, plugins)) as Record<string, unknown>;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-first-call-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('modules loaded on first call (tools/build)', () => {
  it('keep node:https, node:assert, node:v8, node:crypto, node:zlib and node:worker_threads out of the start, and work when called', async () => {
    expect(await run([loadedOnFirstCallPlugin(root)])).toEqual({
      atStart: [],
      // The transport's and Pushgateway's node:https, the default metrics' node:v8, etag's and
      // uuid's node:crypto, the Pushgateway's node:zlib; sonic-boom's one assert did not fail,
      // and pino's check of its thread and body-parser's of zstd loaded nothing.
      afterCalls: ['https', 'v8', 'crypto', 'zlib'],
      parsers: 'function',
      prepared: 'IX',
      gateway: 'function',
      transport: 'function',
      tag: '"6-aC60OiLzmAi4QV0zKpmErzMkqNI"',
      defaults: true,
      // The SDK's uuid ids, from node:crypto's random bytes.
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
  });

  it("replace every listed import of the packages functions bundle, and nothing else's", async () => {
    const { metafile } = await build({
      stdin: {
        contents: [
          'express',
          'body-parser',
          'express/lib/utils',
          'express/lib/response',
          'prom-client',
          'pino',
          'cloudevents',
          'mongodb',
          'undici',
          'ioredis',
        ]
          .map((m) => `require(${JSON.stringify(m)});`)
          .join('\n'),
        resolveDir: root,
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      metafile: true,
      absWorkingDir: root,
      outfile: join(dir, 'metafile.cjs'),
      plugins: [loadedOnFirstCallPlugin(root)],
      logLevel: 'silent',
    });
    const replaced = new Set<string>();
    for (const [importer, { imports }] of Object.entries(metafile.inputs))
      for (const { path, original } of imports) {
        const entry = LOADED_ON_FIRST_CALL.find(
          (e) => e.request === original && (!e.from || importer.endsWith(e.from)),
        );
        if (importer === entry?.shim || !entry) {
          // A shim loads the module itself; other imports are left as they are.
          if (entry) expect(path).not.toBe(entry.shim);
          continue;
        }
        expect(path, `${importer} → ${original}`).toBe(entry.shim);
        replaced.add(entry.shim);
      }
    // Every shim stands in for something these packages import.
    expect([...replaced].sort()).toEqual(
      [...new Set(LOADED_ON_FIRST_CALL.map((e) => e.shim))].sort(),
    );
  });

  it("keep Node's promise-based file system, node:zlib and node:dns out of the MongoDB driver, loaded and making a client", async () => {
    // A client computes its handshake metadata when made, which checks for /.dockerenv.
    const loadsFsPromises = (plugins: Plugins) =>
      runBundled(
        'mongodb',
        `
            const { MongoClient } = require('mongodb');
            const client = new MongoClient('mongodb://127.0.0.1:1/');
            void client.options.metadata.then((metadata) => console.log(JSON.stringify({
              loaded: ['internal/fs/promises', 'zlib', 'dns'].filter((m) =>
                process.moduleLoadList.includes('NativeModule ' + m)),
              driver: metadata.driver.name,
            })));`,
        plugins,
      );
    expect(await loadsFsPromises([loadedOnFirstCallPlugin(root)])).toEqual({
      loaded: [],
      driver: 'nodejs',
    });
    expect(await loadsFsPromises([])).toEqual({
      loaded: ['internal/fs/promises', 'zlib', 'dns'],
      driver: 'nodejs',
    });
  });

  it("keep Node's own fetch, node:http2, node:tls and node:fs/promises out of undici's load, and its cookie helpers working", async () => {
    const load = (plugins: Plugins) =>
      runBundled(
        'undici',
        `
            const undici = require('undici');
            const names = ['internal/deps/undici/undici', 'http2', 'tls', 'fs/promises'];
            const loaded = names.filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
            const cookies = undici.getCookies(new undici.Headers({ cookie: 'a=b' }));
            console.log(JSON.stringify({ loaded, cookies }));`,
        plugins,
      );
    expect(await load([loadedOnFirstCallPlugin(root)])).toEqual({
      loaded: [],
      cookies: { a: 'b' },
    });
    expect(await load([])).toEqual({
      loaded: ['internal/deps/undici/undici', 'http2', 'tls', 'fs/promises'],
      cookies: { a: 'b' },
    });
  });

  it("keep node:crypto, node:assert and node:dns out of ioredis's load, and its scripts' SHAs right", async () => {
    const load = (plugins: Plugins) =>
      runBundled(
        'ioredis',
        `
            const Redis = require('ioredis');
            const atLoad = ['crypto', 'assert', 'dns'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
            const redis = new Redis({ lazyConnect: true });
            redis.defineCommand('one', { numberOfKeys: 0, lua: 'return 1' });
            console.log(JSON.stringify({ atLoad, sha: redis.scriptsSet.one.sha }));`,
        plugins,
      );
    // SHA-1 of "return 1", as Redis's SCRIPT LOAD answers it.
    const sha = 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db';
    expect(await load([loadedOnFirstCallPlugin(root)])).toEqual({ atLoad: [], sha });
    expect(await load([])).toEqual({ atLoad: ['crypto', 'assert', 'dns'], sha });
  });

  it('are what keeps them out: bundled as they are, the same start loads them all', async () => {
    expect((await run([])).atStart).toEqual([
      'https',
      'assert',
      'v8',
      'crypto',
      'zlib',
      'worker_threads',
    ]);
  });
});
