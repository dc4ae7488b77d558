import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createLogger } from '../log/index';
import { createMetrics } from '../metrics/index';
import {
  HttpError,
  createRouter,
  negotiate,
  problem,
  requireBodyWithin,
  requireMediaType,
  validate,
} from './index';

const quiet = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('negotiate', () => {
  const offered = ['text/plain', 'application/json'] as const;
  it.each([
    [undefined, 'text/plain'],
    ['application/json', 'application/json'],
    ['text/plain', 'text/plain'],
    ['*/*', 'text/plain'],
    ['application/*', 'application/json'],
    ['text/html, application/json;q=0.9', 'application/json'],
    ['application/json;q=0.5, text/plain;q=0.8', 'text/plain'],
    ['application/json, text/plain', 'application/json'],
    ['*/*;q=0.1, application/json', 'application/json'],
    ['image/png', 'text/plain'],
    ['application/json;q=0', 'text/plain'],
    ['text/*;q=0, */*', 'application/json'],
    ['garbage;;;', 'text/plain'],
  ])('Accept %s → %s', (accept, expected) => {
    expect(negotiate(req(accept ? { accept } : {}), offered)).toBe(expected);
  });
});

describe('request checks', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['APPLICATION/JSON', true],
    ['text/plain', false],
    ['', false],
  ])('media type %s accepted: %s', (type, ok) => {
    const check = () =>
      requireMediaType(req(type ? { 'content-type': type } : {}), ['application/json']);
    if (ok) expect(check()).toBe('application/json');
    else expect(check).toThrow(expect.objectContaining({ status: 415 }));
  });

  it.each([
    [{ 'content-length': '10' }, undefined, false],
    [{ 'content-length': '11' }, undefined, true],
    [{}, Buffer.alloc(11), true],
    [{}, Buffer.alloc(10), false],
  ])('body limit %j', (headers, rawBody, tooLarge) => {
    const r = Object.assign(req(headers), { rawBody });
    if (tooLarge)
      expect(() => requireBodyWithin(r, 10)).toThrow(expect.objectContaining({ status: 413 }));
    else expect(() => requireBodyWithin(r, 10)).not.toThrow();
  });

  it('validates with a 400 that says what is wrong', () => {
    const schema = z.object({ url: z.string().url(), n: z.number().int() });
    expect(validate(schema, { url: 'https://a.org', n: 1 })).toEqual({
      url: 'https://a.org',
      n: 1,
    });
    expect(() => validate(schema, { url: 'nope', n: 1.5 }, 'body')).toThrow(
      expect.objectContaining({
        status: 400,
        detail: expect.stringMatching(/^invalid body: url: .*; n: /),
      }),
    );
  });

  it('builds RFC 9457 problems', () => {
    expect(problem(429, 'slow down', { retryAfter: 3 })).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'slow down',
      retryAfter: 3,
    });
  });
});

describe('createRouter', () => {
  let server: Server;
  let base: string;
  const metrics = createMetrics('router-test');
  beforeAll(async () => {
    const handle = createRouter(
      [
        { method: 'GET', path: '/', handler: ({ res }) => void res.end('root') },
        {
          method: 'GET',
          path: '/items/:id',
          handler: ({ res, params }) => void res.end(`item ${params.id}`),
        },
        {
          method: 'PUT',
          path: '/items/:id',
          handler: () => {
            throw new HttpError(409, 'taken', { 'x-extra': '1' });
          },
        },
        {
          method: 'POST',
          path: '/away',
          handler: () => {
            throw Object.assign(new Error('connection 2 to 127.0.0.1:27017 closed'), {
              name: 'MongoServerSelectionError',
            });
          },
        },
        {
          method: 'POST',
          path: '/boom',
          handler: () => {
            throw new Error('secret internals');
          },
        },
      ],
      { log: quiet, metrics },
    );
    server = createServer((rq, rs) => void handle(rq, rs));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each([
    ['GET', '/', 200, 'root'],
    ['GET', '/items/a%20b', 200, 'item a b'],
    ['GET', '/items/x/', 200, 'item x'],
  ])('%s %s → %i', async (method, path, status, body) => {
    const res = await fetch(base + path, { method });
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(body);
  });

  it.each([
    ['GET', '/nothing', 404, undefined],
    ['DELETE', '/items/1', 405, 'GET, HEAD, PUT'],
    ['PUT', '/items/1', 409, undefined],
    ['GET', '/items/%E0%A4%A', 400, undefined],
    ['POST', '/boom', 500, undefined],
  ])('%s %s → problem %i', async (method, path, status, allow) => {
    const res = await fetch(base + path, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { detail: string };
    expect(body).toMatchObject({ status, type: 'about:blank' });
    expect(typeof body.detail).toBe('string');
    expect(body.detail).not.toContain('secret internals');
    if (allow) expect(res.headers.get('allow')).toBe(allow);
  });

  it('answers 503 with Retry-After when a backing service is unreachable', async () => {
    const res = await fetch(`${base}/away`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).not.toContain('27017');
  });

  it('serves HEAD from GET routes and counts requests by route', async () => {
    const res = await fetch(`${base}/items/7`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await metrics.registry.metrics()).toContain(
      'route="/items/:id",method="HEAD",status="200"',
    );
  });
});
