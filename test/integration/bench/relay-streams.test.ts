import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  spawnServer,
  waitUntil,
  type ServerProcess,
} from '../../../tools/services/index';
import { servers, uniquePrefix } from '../../support/isolation';

/*
 * The broker benchmark's "two HTTP hops + the broker's Redis work" baseline must really do that
 * work, or the ratio it prints means nothing: every event stored in the stream before its 202,
 * a duplicate not stored or forwarded twice, everything forwarded acknowledged.
 */
const stream = uniquePrefix('relay');
const arrived: string[] = [];
const subscriber = createServer((req, res) => {
  arrived.push(String(req.headers['ce-id']));
  req.resume().on('end', () => res.writeHead(204).end());
});
let relay: ServerProcess;
let url: string;
const redis = new Redis(servers().redisUrl);

beforeAll(async () => {
  await new Promise<void>((ok) => subscriber.listen(0, '127.0.0.1', ok));
  const target = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/`;
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  relay = spawnServer(
    process.execPath,
    [
      '--import',
      'tsx',
      'tools/bench/relay.ts',
      ...['--port', String(port), '--target', target, '--concurrency', '2'],
      ...['--redis', servers().redisUrl, '--stream', stream],
    ],
    join(tmpdir(), `${stream.replaceAll(':', '-')}.log`),
    { PATH: process.env.PATH },
  );
  await waitUntil('relay', async () => (await fetch(url).catch(() => undefined))?.ok === true, {
    exited: relay.exited,
  });
});

afterAll(async () => {
  await relay?.stop();
  subscriber.close();
  await redis.del(stream);
  redis.disconnect();
});

const publish = (id: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': '/test',
      'ce-type': 'dev.multivac.test',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ id }),
  });

describe('the relay with --redis', () => {
  it('stores, forwards once and acknowledges every event, and skips duplicates', async () => {
    // In waves, so that appends meet deliveries and reads of what earlier appends left at every
    // stage; two forwards at a time, so that most appends find no free slot.
    const ids = Array.from({ length: 200 }, (_, i) => `e${i}`);
    const statuses: number[] = [];
    for (let wave = 0; wave < ids.length; wave += 20) {
      const sent = [...ids.slice(wave, wave + 20), 'e0'].map((id) => publish(id));
      statuses.push(...(await Promise.all(sent)).map((a) => a.status));
    }
    expect(statuses).toEqual(statuses.map(() => 202));
    // Stored before the 202: the stream holds each event once.
    expect(await redis.xlen(stream)).toBe(ids.length);
    await waitUntil('deliveries', async () => arrived.length >= ids.length);
    await waitUntil('acknowledgements', async () => {
      const [pending] = (await redis.xpending(stream, 'relay')) as [number];
      return pending === 0;
    });
    expect(arrived.toSorted()).toEqual(ids.toSorted());
  });
});
