import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent } from './format';
import { deliver, targetOf } from './deliver';

interface Seen {
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A subscriber whose answer each test sets. */
let answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end();
let seen: Seen[] = [];
let server: Server;
let url: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in?x=1`;
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const event = validateEvent({
  specversion: '1.0',
  id: 'e1',
  source: '/multivac/test',
  type: 'dev.multivac.document.learn',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  datacontenttype: 'application/json',
  data: { jobId: 'j', documentId: 'd' },
});

const send = (timeoutMs = 2000, target = url) =>
  deliver(event, { dispatcher: agent, target: targetOf(target), timeoutMs, maxReplyBytes: 4096 });

const reply = {
  'ce-specversion': '1.0',
  'ce-id': 'r1',
  'ce-source': '/multivac/learn',
  'ce-type': 'dev.multivac.answer.updated',
  'content-type': 'application/json',
};

describe('deliver', () => {
  it('POSTs binary mode with Prefer: reply and the trace context', async () => {
    seen = [];
    answer = (res) => res.writeHead(202).end();
    expect(await send()).toEqual({ ok: true, status: 202 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/in?x=1');
    expect(seen[0]!.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-source': '/multivac/test',
      'ce-type': 'dev.multivac.document.learn',
      'content-type': 'application/json',
      prefer: 'reply',
      traceparent: event.traceparent,
    });
    expect(JSON.parse(seen[0]!.body)).toEqual({ jobId: 'j', documentId: 'd' });
  });

  it.each([
    ['binary', reply, '{"version":1}'],
    [
      'structured',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({
        specversion: '1.0',
        id: 'r1',
        source: '/multivac/learn',
        type: 'dev.multivac.answer.updated',
        data: { version: 1 },
      }),
    ],
  ])('takes a 200 with a %s CloudEvent as a reply', async (_mode, headers, body) => {
    answer = (res) => res.writeHead(200, headers).end(body);
    const result = await send();
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      reply: { id: 'r1', data: { version: 1 } },
    });
  });

  it.each([
    ['a 200 without a CloudEvent', 200, { 'content-type': 'text/plain' }, 'ok'],
    ['a 202 that looks like a reply (never a reply)', 202, reply, '{"version":1}'],
    ['a 204', 204, {}, ''],
  ])('delivers on %s, with no reply', async (_name, status, headers, body) => {
    answer = (res) => res.writeHead(status, headers).end(body);
    expect(await send()).toEqual({ ok: true, status });
  });

  it.each([
    [503, true],
    [500, true],
    [404, true],
    [429, true],
    [400, false],
    [403, false],
    [413, false],
    [302, false],
  ])('fails on %i (retryable: %s) with the answer in the reason', async (status, retryable) => {
    answer = (res) =>
      res.writeHead(status, { 'content-type': 'application/problem+json' }).end('{"detail":"no"}');
    const result = await send();
    expect(result).toEqual({
      ok: false,
      retryable,
      status,
      reason: `the subscriber answered ${status}: {"detail":"no"}`,
      body: '{"detail":"no"}',
    });
  });

  it('refuses an invalid reply without a retry', async () => {
    answer = (res) => res.writeHead(200, { ...reply, 'ce-specversion': '0.3' }).end('{}');
    const result = await send();
    expect(result).toMatchObject({ ok: false, retryable: false, status: 200 });
    expect(!result.ok && result.reason).toContain('not a valid CloudEvent');
  });

  it('refuses a reply over the size limit', async () => {
    answer = (res) => res.writeHead(200, reply).end(JSON.stringify({ pad: 'x'.repeat(5000) }));
    const result = await send();
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.reason).toContain('larger than 4096 bytes');
  });

  it('keeps only the start of a long error answer', async () => {
    answer = (res) => res.writeHead(500).end('e'.repeat(100_000));
    const result = await send();
    expect(!result.ok && result.body!.length).toBeLessThanOrEqual(2049);
  });

  it('gives up after the timeout, retryably', async () => {
    answer = () => undefined; // never answers
    expect(await send(150)).toEqual({
      ok: false,
      retryable: true,
      reason: 'no answer within 150 ms',
    });
  });

  it('gives up on an answer whose body stops coming, retryably', async () => {
    answer = (res) => {
      res.writeHead(500, { 'content-length': '100' });
      res.write('the start'); // and never the rest
    };
    expect(await send(150)).toEqual({
      ok: false,
      retryable: true,
      status: 500,
      reason: 'no answer within 150 ms',
    });
  });

  it('reports a refused connection, retryably', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await send(2000, `http://127.0.0.1:${port}/`)).toEqual({
      ok: false,
      retryable: true,
      reason: 'connection refused',
    });
  });
});
