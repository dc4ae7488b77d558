import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../services/index';
import { bundleForTest } from './bundle-for-test';
import { withoutRequestDomain, withoutRequestDomainPlugin } from './without-request-domain';

const root = resolve(import.meta.dirname, '../..');
const WRAPPERS = join(
  root,
  'node_modules/@google-cloud/functions-framework/build/src/function_wrappers.js',
);

/**
 * Functions registered as MultiVAC's are, served by the framework's server; `/state` says whether
 * node:domain was loaded and whether a request runs in one.
 */
const ENTRY = `
const { http, cloudEvent } = require('@google-cloud/functions-framework');
const { getTestServer } = require('@google-cloud/functions-framework/testing');
http('ok', (req, res) => res.send('ok'));
http('throws', () => { throw new Error('thrown'); });
http('rejects', async () => { throw new Error('rejected'); });
http('state', (req, res) => res.json({
  domain: process.moduleLoadList.includes('NativeModule domain'),
  processDomain: process.domain ?? null,
}));
const seen = [];
cloudEvent('event', async (event) => { seen.push(event.type); });
const servers = Object.fromEntries(['ok', 'throws', 'rejects', 'state', 'event'].map((n) => [n, getTestServer(n)]));
require('node:http').createServer((req, res) => {
  const [, name] = req.url.split('/');
  if (name === 'seen') return res.end(JSON.stringify(seen));
  req.url = '/';
  servers[name].emit('request', req, res);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

let dir: string;
let child: ChildProcess;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-domain-'));
  const outfile = join(dir, 'server.cjs');
  await bundleForTest(root, outfile, ENTRY, [withoutRequestDomainPlugin()]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [outfile], {
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && ok());
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
  });
});

afterAll(async () => {
  child?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe("the Functions Framework's request wrappers, bundled without node:domain", () => {
  it('serves a function', async () => {
    const res = await fetch(`${base}/ok`);
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
  });

  it("answers a function's synchronous throw and its rejection with the framework's 500, and keeps serving", async () => {
    for (const name of ['throws', 'rejects']) {
      const res = await fetch(`${base}/${name}`);
      expect(res.status).toBe(500);
      expect(res.headers.get('x-google-status')).toBe('crash');
    }
    expect((await fetch(`${base}/ok`)).status).toBe(200);
  });

  it('hands a CloudEvent to an async event function and acknowledges it', async () => {
    const res = await fetch(`${base}/event`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'dev.multivac.test',
        'ce-source': '/test',
        'ce-id': '1',
      },
      body: '{}',
    });
    expect(res.status).toBeLessThan(300);
    expect(await (await fetch(`${base}/seen`)).json()).toEqual(['dev.multivac.test']);
  });

  it('never loads node:domain, so async hooks stay off', async () => {
    expect(await (await fetch(`${base}/state`)).json()).toEqual({
      domain: false,
      processDomain: null,
    });
  });

  it('stops the build when the framework file no longer matches an edit', async () => {
    const source = await readFile(WRAPPERS, 'utf8');
    expect(() => withoutRequestDomain(source)).not.toThrow();
    expect(() => withoutRequestDomain(source.replace('process.domain.bind(', 'bind('))).toThrow(
      /completion callback .* found 0 times, expected once/,
    );
  });
});
