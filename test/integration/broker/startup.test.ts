import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisService } from '../../../tools/services/index';
import { servers, uniquePrefix } from '../../support/isolation';
import { cloudEvent, publish, startBrokerProcess, triggerTable } from './support';

/** Start-up: a bad table or environment stops the broker; risky Redis settings are named. */
const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-broker-startup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>) {
  try {
    await run(process.execPath, ['--import', 'tsx', resolve('functions/broker/index.ts')], {
      env: { PATH: process.env.PATH, ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (err) {
    const { code, stderr } = err as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('start-up', () => {
  it('refuses a bad trigger table, listing every problem', async () => {
    const table = join(dir, 'bad.yaml');
    await writeFile(
      table,
      [
        triggerTable([{ name: 'good', subscriber: 'http://127.0.0.1:9/' }]),
        triggerTable([
          { name: 'bad-delay', subscriber: 'http://127.0.0.1:9/', backoffDelay: '2s' },
        ]),
        'apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: no-subscriber}\nspec: {}\n',
      ].join('---\n'),
    );
    const { code, stderr } = await start({
      REDIS_URL: servers().redisUrl,
      MULTIVAC_TRIGGERS_FILE: table,
      PORT: '0',
    });
    expect(code).toBe(1);
    const { message } = JSON.parse(stderr.trim().split('\n').at(-1)!) as { message: string };
    expect(message).toContain(`invalid trigger table ${table}`);
    expect(message).toContain('document 2 (bad-delay): spec.delivery.backoffDelay');
    expect(message).toContain('document 3 (no-subscriber): spec.subscriber');
  });

  it('refuses a bad environment, listing every problem', async () => {
    const { code, stderr } = await start({ MULTIVAC_DELIVERY_CONCURRENCY: 'many' });
    expect(code).toBe(1);
    expect(stderr).toContain('REDIS_URL: required but not set');
    expect(stderr).toContain('MULTIVAC_TRIGGERS_FILE: required but not set');
    expect(stderr).toContain('MULTIVAC_DELIVERY_CONCURRENCY');
  });

  describe('with a Redis that may evict, a retired trigger and the single-stream layout', () => {
    let redis: RedisService;
    beforeAll(async () => {
      redis = await startRedis({ dataDir: join(dir, 'redis'), env: { PATH: process.env.PATH } });
    });
    afterAll(() => redis?.stop());

    it('warns about each, and leaves their keys alone', async () => {
      const stream = uniquePrefix('broker-startup');
      const client = new Redis(redis.url);
      // The table had a trigger that a later table drops, with an event still in its stream.
      const before = await startBrokerProcess({
        redisUrl: redis.url,
        stream,
        triggers: [
          { name: 'current', subscriber: 'http://127.0.0.1:9/', filter: { type: 'test.current' } },
          { name: 'retired-trigger', subscriber: 'http://127.0.0.1:9/', retry: 1000 },
        ],
      });
      expect(await publish(before.ingress, [cloudEvent('left', 'test.retired')])).toBe(202);
      await before.dispose();
      // And the stream of the layout before per-trigger streams still has a group.
      await client.call('XGROUP', 'CREATE', stream, 'old-trigger', '$', 'MKSTREAM');
      await client.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      const broker = await startBrokerProcess({
        redisUrl: redis.url,
        stream,
        triggers: [{ name: 'current', subscriber: 'http://127.0.0.1:9/' }],
      });
      try {
        const logs = await broker.logs();
        expect(logs).toMatch(/"policy":"allkeys-lru".*may evict keys without a TTL/);
        expect(logs).toMatch(
          /"trigger":"retired-trigger".*"length":1.*no longer in the table still has a stream/,
        );
        expect(logs).toMatch(/"group":"old-trigger".*the stream of the single-stream layout/);
        const stats = await broker.stats();
        expect(stats.triggers.map((t) => t.name)).toEqual(['current']);
        expect((stats as unknown as { otherGroups: string[] }).otherGroups).toEqual([
          'retired-trigger',
        ]);
      } finally {
        await broker.dispose();
      }
      const groupsOf = async (key: string) =>
        ((await client.call('XINFO', 'GROUPS', key)) as unknown[][]).map(
          (g) => g[g.indexOf('name') + 1],
        );
      expect(await groupsOf(broker.keys.of('retired-trigger').stream)).toEqual(['retired-trigger']);
      expect(await client.xlen(broker.keys.of('retired-trigger').stream)).toBe(1);
      expect(await groupsOf(stream)).toEqual(['old-trigger']);
      client.disconnect();
    });
  });
});
