/**
 * The local gateway in front of a real function process (the `data` bundle, run by the pool as
 * `npm start` runs it): what the function answers, the client gets — also when the function
 * answers before it has read the whole request, as it does to a body over its limit.
 */
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, discoverFunctions } from '../../tools/build/index';
import { createGateway } from '../../tools/dev/gateway';
import { FunctionProcess } from '../../tools/dev/pool';
import { loadRouting } from '../../tools/dev/routing';
import { listen } from '../../shared/runtime/index';
import { freePort } from '../../tools/services/index';
import { servers, uniqueDbName, uniquePrefix } from '../support/isolation';
import { startEventSink, type EventSink } from '../support/sink';

const root = resolve(import.meta.dirname, '../..');
const LIMIT = 1024 * 1024;
let dir: string;
let sink: EventSink;
let data: FunctionProcess;
let gateway: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-gateway-'));
  sink = await startEventSink();
  const source = (await discoverFunctions(root)).find((f) => f.name === 'data')!;
  await bundleFunction(source, root, dir);
  data = new FunctionProcess({
    name: 'data',
    bundle: join(dir, 'data', 'index.cjs'),
    port: await freePort(),
    env: {
      PATH: process.env.PATH,
      MULTIVAC_LISTEN_HOST: '127.0.0.1',
      REDIS_URL: servers().redisUrl,
      MONGODB_URI: servers().mongoUri,
      MONGODB_DB: uniqueDbName('gateway'),
      MULTIVAC_CACHE_PREFIX: uniquePrefix('gateway').replaceAll(':', '.'),
      MULTIVAC_BODY_LIMIT_BYTES: String(LIMIT),
      K_SINK: sink.url,
      LOG_LEVEL: 'warn',
    },
    idleMs: 0,
    warm: true,
    out: () => {},
  });
  await data.start();
  gateway = createGateway(
    await loadRouting(join(root, 'knative/base/routing.yaml')),
    new Map([['data', data]]),
  );
  base = `http://127.0.0.1:${await listen(gateway, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  gateway?.closeAllConnections();
  await new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r()));
  await data?.stop('shutdown');
  await sink?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A PUT with a body of `bytes`, written in 64 KiB chunks as a client uploads it. */
function upload(bytes: number): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/multivac/data`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'content-length': bytes },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }),
      );
      res.on('error', reject);
    });
    // The gateway may stop reading once the answer is out; that is not this test's failure.
    req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

describe('the local gateway', () => {
  it.each([3, 8])(
    'relays the function’s 413 to a %i MB PUT /multivac/data (not a 502)',
    async (mib) => {
      const answer = await upload(mib * 1024 * 1024);
      expect(answer.status).toBe(413);
      expect(answer.type).toBe('application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 413 });
      expect(sink.events).toHaveLength(0);
    },
  );

  it('still forwards a body within the limit, and the function is still serving', async () => {
    const res = await fetch(`${base}/multivac/data`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.org/after-413' }),
    });
    expect(res.status).toBe(202);
    expect(data.state).toBe('running');
  });
});
