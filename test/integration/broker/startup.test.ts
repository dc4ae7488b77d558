import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisService } from '../../../tools/services/index';
import { servers, uniquePrefix } from '../../support/isolation';
import { startBrokerProcess, triggerTable } from './support';

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

  describe('with a Redis that may evict and a group no trigger owns', () => {
    let redis: RedisService;
    beforeAll(async () => {
      redis = await startRedis({ dataDir: join(dir, 'redis'), env: { PATH: process.env.PATH } });
    });
    afterAll(() => redis?.stop());

    it('warns about both, and leaves the group alone', async () => {
      const stream = uniquePrefix('broker-startup');
      const client = new Redis(redis.url);
      await client.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      await client.call('XGROUP', 'CREATE', stream, 'retired-trigger', '$', 'MKSTREAM');
      const broker = await startBrokerProcess({
        redisUrl: redis.url,
        stream,
        triggers: [{ name: 'current', subscriber: 'http://127.0.0.1:9/' }],
      });
      try {
        const logs = await broker.logs();
        expect(logs).toMatch(/"policy":"allkeys-lru".*may evict keys without a TTL/);
        expect(logs).toMatch(/"group":"retired-trigger".*has no trigger/);
        expect((await broker.stats()).triggers.map((t) => t.name)).toEqual(['current']);
      } finally {
        await broker.dispose();
      }
      const groups = (await client.call('XINFO', 'GROUPS', stream)) as unknown[][];
      expect(groups.map((g) => g[g.indexOf('name') + 1]).sort()).toEqual([
        'current',
        'retired-trigger',
      ]);
      client.disconnect();
    });
  });
});
