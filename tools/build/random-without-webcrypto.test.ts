import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundled } from './bundle-for-test';
import { loadedOnFirstCallPlugin } from './loaded-on-first-call';
import { randomWithoutWebCryptoPlugin } from './random-without-webcrypto';

const root = resolve(import.meta.dirname, '../..');

/**
 * Loads the MongoDB driver as a driver bundle does, says which of Node's modules that took, then
 * makes what needs random bytes (ObjectIds, UUIDs, a session id) and says again.
 */
const ENTRY = `
const loaded = () => ['v8', 'internal/crypto/webcrypto', 'crypto'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m));
const mongodb = require('mongodb');
const atLoad = loaded();
const ids = [new mongodb.ObjectId(), new mongodb.ObjectId()].map(String);
const uuid = new mongodb.UUID().toHexString(true);
const client = new mongodb.MongoClient('mongodb://127.0.0.1:1/');
const session = client.startSession();
const lsid = session.id.id.toString('hex');
console.log(JSON.stringify({ atLoad, afterUse: loaded(), ids, uuid, lsid }));
session.endSession().finally(() => client.close());
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-random-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** ENTRY bundled as the driver bundles are (their shims of modules loaded on first call), plus `plugins`. */
const run = async (plugins: Plugin[]) =>
  (await runBundled(root, dir, 'driver', ENTRY, [
    loadedOnFirstCallPlugin(root),
    ...plugins,
  ])) as Record<string, unknown>;

const HEX24 = /^[0-9a-f]{24}$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('random bytes without Web Crypto (tools/build)', () => {
  it('keeps Web Crypto, node:crypto and node:v8 out of the driver, and its ids still random', async () => {
    const out = await run([randomWithoutWebCryptoPlugin(root)]);
    expect(out).toEqual({
      atLoad: [],
      afterUse: [],
      ids: [expect.stringMatching(HEX24), expect.stringMatching(HEX24)],
      uuid: expect.stringMatching(UUID4),
      lsid: expect.stringMatching(
        /^[0-9a-f]{8}[0-9a-f]{4}4[0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}$/,
      ),
    });
    const [a, b] = out.ids as string[];
    expect(a).not.toBe(b);
    // The process part of an ObjectId (bytes 4–8) is random bytes of this process.
    expect(a!.slice(8, 18)).toBe(b!.slice(8, 18));
  });

  it('is what keeps them out: the driver as published loads both while it loads', async () => {
    const { atLoad } = await run([]);
    expect(atLoad).toEqual(['v8', 'internal/crypto/webcrypto']);
  });
});
