import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  spawnServer,
  waitUntil,
  type ServerProcess,
} from '../../../tools/services/index';
import { createRedis } from '../../../shared/redis/index';
import { servers, uniquePrefix } from '../../support/isolation';
import { startEventSink, type EventSink } from '../../support/sink';

/*
 * The broker benchmark's "two HTTP hops + the broker's Redis work" baseline must really do that
 * work, or the ratio it prints means nothing: every event stored in the stream before its 202,
 * a duplicate not stored or forwarded twice, everything forwarded acknowledged.
 */
const stream = uniquePrefix('relay');
let subscriber: EventSink;
let relay: ServerProcess;
let url: string;
const redis = createRedis(servers().redisUrl);

beforeAll(async () => {
  subscriber = await startEventSink();
  const target = subscriber.url;
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
  await subscriber?.close();
  await (await redis.client()).del(stream);
  await redis.quit();
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
    const client = await redis.client();
    expect(await client.xlen(stream)).toBe(ids.length);
    await waitUntil('deliveries', async () => subscriber.events.length >= ids.length);
    await waitUntil('acknowledgements', async () => {
      const [pending] = (await client.xpending(stream, 'relay')) as [number];
      return pending === 0;
    });
    expect(subscriber.events.map((e) => e.id).toSorted()).toEqual(ids.toSorted());
  });
});
