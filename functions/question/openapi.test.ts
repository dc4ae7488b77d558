import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../shared/http/index';
import { createLogger } from '../../shared/log/index';
import { questionRoutes } from './routes';

const committed = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../docs/api/openapi.json'), 'utf8'),
) as unknown;

let server: Server;
let url: string;
beforeAll(async () => {
  const log = createLogger({
    service: 'test',
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const unused = () => Promise.reject(new Error('the answer is not asked for here'));
  const handle = createRouter(questionRoutes({ currentAnswer: unused }), { log });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/multivac/openapi.json`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('GET /multivac/openapi.json', () => {
  it('serves the committed document as JSON, with an ETag', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('etag')).toMatch(/^"oas-[\w-]+"$/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await res.json()).toEqual(committed);
  });

  it('answers 304 to its ETag, and HEAD without a body', async () => {
    const etag = (await fetch(url)).headers.get('etag')!;
    const again = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses other methods with 405 and Allow', async () => {
    const res = await fetch(url, { method: 'PUT', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
