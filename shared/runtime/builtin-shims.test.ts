import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Runs `script` in a fresh Node and parses what it prints. A script file: `node -e` has
 * node:crypto loaded before it runs.
 */
function inFreshNode(script: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'multivac-shim-'));
  try {
    writeFileSync(join(dir, 'check.cjs'), script);
    return JSON.parse(
      execFileSync(process.execPath, [join(dir, 'check.cjs')], { encoding: 'utf8' }),
    ) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In a fresh Node: whether the shim's module is loaded after requiring the shim, then after a use. */
const loadedBy = (shim: string, builtin: string, use: string) =>
  inFreshNode(`
    const loaded = () => process.moduleLoadList.includes('NativeModule ${builtin}');
    const shim = require(${JSON.stringify(join(import.meta.dirname, shim))});
    const atRequire = loaded();
    const value = shim.${use};
    console.log(JSON.stringify({ atRequire, atUse: loaded(), same: value === require('node:${builtin}').${use} }));
  `);

describe('shims of built-in modules that packages load at start but use later', () => {
  it.each([
    ['crypto.cjs', 'crypto', 'createHash'],
    ['tls.cjs', 'tls', 'connect'],
  ])('%s loads node:%s on the first use, and gives what it exports', (shim, builtin, use) => {
    expect(loadedBy(shim, builtin, use)).toEqual({ atRequire: false, atUse: true, same: true });
  });
});

describe('fs-promises.cjs (for importers that take its functions apart at load)', () => {
  it('loads node:fs/promises on the first call, not when its functions are taken', () => {
    const script = `
      const { readFile, access } = require(${JSON.stringify(join(import.meta.dirname, 'fs-promises.cjs'))});
      const loaded = () => process.moduleLoadList.includes('NativeModule fs/promises');
      const before = loaded();
      readFile(${JSON.stringify(import.meta.filename)}, 'utf8').then(async (text) => {
        const missing = await access('/no/such/file').catch((err) => err.code);
        console.log(JSON.stringify({ before, after: loaded(), read: text.length > 0, missing }));
      });
    `;
    expect(inFreshNode(script)).toEqual({
      before: false,
      after: true,
      read: true,
      missing: 'ENOENT',
    });
  });
});

describe('fs-access.cjs (node:fs for the MongoDB driver, whose one use is fs.promises.access)', () => {
  it('answers access as fs/promises does, without loading it, and the rest as node:fs', () => {
    const script = `
      const fs = require(${JSON.stringify(join(import.meta.dirname, 'fs-access.cjs'))});
      const loaded = () => process.moduleLoadList.includes('NativeModule internal/fs/promises');
      (async () => {
        const found = await fs.promises.access(${JSON.stringify(import.meta.filename)}).then(() => true);
        const missing = await fs.promises.access('/no/such/file').catch((err) => err.code);
        const before = loaded();
        const read = (await fs.promises.readFile(${JSON.stringify(import.meta.filename)}, 'utf8')).length > 0;
        console.log(JSON.stringify({ found, missing, before, after: loaded(), read, same: fs.readFileSync === require('node:fs').readFileSync }));
      })();
    `;
    expect(inFreshNode(script)).toEqual({
      found: true,
      missing: 'ENOENT',
      before: false,
      after: true,
      read: true,
      same: true,
    });
  });
});

describe('http2.cjs (node:http2 for undici, which reads a few constants at load)', () => {
  it("has HTTP/2's constants as Node's, without loading node:http2, and loads it for the rest", () => {
    const script = `
      const shim = require(${JSON.stringify(join(import.meta.dirname, 'http2.cjs'))});
      const loaded = () => process.moduleLoadList.includes('NativeModule http2');
      const names = ['HTTP2_HEADER_AUTHORITY', 'HTTP2_HEADER_METHOD', 'HTTP2_HEADER_PATH', 'HTTP2_HEADER_SCHEME', 'HTTP2_HEADER_CONTENT_LENGTH', 'HTTP2_HEADER_EXPECT', 'HTTP2_HEADER_STATUS', 'HTTP2_HEADER_PROTOCOL', 'NGHTTP2_REFUSED_STREAM', 'NGHTTP2_CANCEL'];
      const known = Object.fromEntries(names.map((n) => [n, shim.constants[n]]));
      const before = loaded();
      const real = require('node:http2');
      console.log(JSON.stringify({
        before,
        same: names.every((n) => known[n] === real.constants[n]),
        other: shim.constants.HTTP2_HEADER_COOKIE === real.constants.HTTP2_HEADER_COOKIE,
        connect: shim.connect === real.connect,
      }));
    `;
    expect(inFreshNode(script)).toEqual({ before: false, same: true, other: true, connect: true });
  });
});

describe('zlib.cjs (for body-parser and the MongoDB driver)', () => {
  it('answers whether zstd is there without loading node:zlib, and loads it on first use', () => {
    const script = `
      const loaded = () => process.moduleLoadList.includes('NativeModule zlib');
      const zlib = require(${JSON.stringify(join(import.meta.dirname, 'zlib.cjs'))});
      const zstd = 'createZstdDecompress' in zlib;
      const before = loaded();
      const inflated = zlib.inflateSync(require('node:zlib').deflateSync('a body')).toString();
      console.log(JSON.stringify({ zstd, real: 'createZstdDecompress' in require('node:zlib'), before, inflated }));
    `;
    const { zstd, real, ...rest } = inFreshNode(script) as Record<string, unknown>;
    expect(zstd).toBe(real);
    expect(rest).toEqual({ before: false, inflated: 'a body' });
  });
});

describe('worker-threads.cjs (for pino)', () => {
  it('says this is the main thread without loading node:worker_threads, and is the module otherwise', () => {
    const script = `
      const loaded = () => process.moduleLoadList.includes('NativeModule worker_threads');
      const { isMainThread } = require(${JSON.stringify(join(import.meta.dirname, 'worker-threads.cjs'))});
      const before = loaded();
      const shim = require(${JSON.stringify(join(import.meta.dirname, 'worker-threads.cjs'))});
      const real = require('node:worker_threads');
      console.log(JSON.stringify({ isMainThread, same: isMainThread === real.isMainThread, before, threadId: shim.threadId === real.threadId }));
    `;
    expect(inFreshNode(script)).toEqual({
      isMainThread: true,
      same: true,
      before: false,
      threadId: true,
    });
  });
});

describe('assert.cjs (for sonic-boom and redis-errors)', () => {
  it('loads nothing for an assertion that holds, and fails as node:assert does', () => {
    const script = `
      const loaded = () => process.moduleLoadList.includes('NativeModule assert');
      const assert = require(${JSON.stringify(join(import.meta.dirname, 'assert.cjs'))});
      assert(1, 'holds');
      const before = loaded();
      let failed;
      try { assert(0, 'does not hold'); } catch (err) { failed = [err.name, err.message, err instanceof require('node:assert').AssertionError]; }
      let unequal;
      try { assert.strictEqual(typeof 1, 'string'); } catch (err) { unequal = err.code; }
      console.log(JSON.stringify({ before, failed, unequal }));
    `;
    expect(inFreshNode(script)).toEqual({
      before: false,
      failed: ['AssertionError', 'does not hold', true],
      unequal: 'ERR_ASSERTION',
    });
  });
});

describe('dns.cjs (for the MongoDB driver and ioredis)', () => {
  it('hands out lookup and resolveSrv without loading node:dns, which they then call', () => {
    const script = `
      const loaded = () => process.moduleLoadList.includes('NativeModule dns');
      const { lookup, resolveSrv } = require(${JSON.stringify(join(import.meta.dirname, 'dns.cjs'))});
      const before = loaded();
      lookup('127.0.0.1', (err, address, family) => {
        const dns = require(${JSON.stringify(join(import.meta.dirname, 'dns.cjs'))});
        console.log(JSON.stringify({ before, after: loaded(), address, family, timeout: dns.TIMEOUT, srv: typeof resolveSrv }));
      });
    `;
    expect(inFreshNode(script)).toEqual({
      before: false,
      after: true,
      address: '127.0.0.1',
      family: 4,
      timeout: 'ETIMEOUT',
      srv: 'function',
    });
  });
});
