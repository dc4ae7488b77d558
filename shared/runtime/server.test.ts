import { request as httpRequest, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { cloudEvent, http } from '@google-cloud/functions-framework';
import { HTTP, type CloudEventV1 } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType, makeEvent } from '../events/index';
import { createLogger } from '../log/index';
import { createMetrics } from '../metrics/index';
import { uploadPastAnswer } from '../http/testing';
import { admittedEvent } from './admitted';
import { createFunctionServer, eventFunction, listen } from './index';

const log = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, d) => d() }),
});
const seen: unknown[] = [];

http('rt-http', (req, res) => {
  seen.push(req.body);
  res.json({ body: req.body });
});
cloudEvent('rt-event', (event: CloudEventV1<{ jobId?: string }>) => {
  seen.push(event);
  if (event.data?.jobId === 'explode') throw new Error('handler failed');
});

/** What an eventFunction handler got, and whether it was the event the server had validated. */
const handled: { id: string; fromServer: boolean }[] = [];
cloudEvent(
  'rt-typed',
  eventFunction(
    [EventType.LearningRequested],
    async (event) => {
      handled.push({ id: event.id, fromServer: event === admittedEvent.getStore() });
    },
    { log, metrics: createMetrics('rt-typed') },
  ),
);

const LIMIT = 1024;
const servers: Server[] = [];
let httpBase = '';
let eventBase = '';
let typedBase = '';

beforeAll(async () => {
  const a = createFunctionServer({ target: 'rt-http', signature: 'http', bodyLimit: LIMIT, log });
  const b = createFunctionServer({
    target: 'rt-event',
    signature: 'cloudevent',
    bodyLimit: LIMIT,
    log,
  });
  const c = createFunctionServer({
    target: 'rt-typed',
    signature: 'cloudevent',
    bodyLimit: LIMIT,
    log,
  });
  servers.push(a, b, c);
  typedBase = `http://127.0.0.1:${await listen(c, 0, '127.0.0.1')}`;
  httpBase = `http://127.0.0.1:${await listen(a, 0, '127.0.0.1')}`;
  eventBase = `http://127.0.0.1:${await listen(b, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A chunked request (no content-length), as `curl -T -` sends. */
function chunked(
  url: string,
  size: number,
  type: string | null,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'PUT',
        headers: {
          ...(type ? { 'content-type': type } : {}),
          'transfer-encoding': 'chunked',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (let sent = 0; sent < size; sent += 256) req.write('x'.repeat(256));
    req.end();
  });
}

describe('HTTP functions behind the guards', () => {
  it('answers health and readiness probes without calling the function', async () => {
    const before = seen.length;
    expect((await fetch(`${httpBase}/healthz`)).status).toBe(200);
    expect((await fetch(`${httpBase}/readyz`)).status).toBe(200);
    expect(seen.length).toBe(before);
  });

  it('passes a parsed body to the function', async () => {
    const res = await fetch(`${httpBase}/x`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await res.json()).toEqual({ body: { a: 1 } });
  });

  it.each([
    [
      'malformed JSON',
      { 'content-type': 'application/json' },
      '{"a":',
      400,
      /not valid application\/json/,
    ],
    [
      'an unknown charset',
      { 'content-type': 'application/json; charset=klingon' },
      '{}',
      415,
      /charset/,
    ],
    [
      'a gzip body',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync('{}'),
      415,
      /content-encoding/,
    ],
    [
      'a declared body over the limit',
      { 'content-type': 'text/plain' },
      'x'.repeat(LIMIT + 1),
      413,
      /larger than 1024/,
    ],
  ])('refuses %s with problem+json', async (_name, headers, body, status, detail) => {
    const before = seen.length;
    const res = await fetch(`${httpBase}/x`, { method: 'PUT', headers, body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    expect(seen.length).toBe(before);
  });

  it.each([
    ['with a media type', 'text/plain'],
    // body-parser does not read these, so nothing else would stop the function running early
    ['without a media type', null],
    ['with a media type that does not parse', '$B$'],
  ])('stops a chunked body %s at the limit and never calls the function', async (_n, type) => {
    const before = seen.length;
    const res = await chunked(`${httpBase}/x`, LIMIT * 8, type);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ status: 413 });
    expect(seen.length).toBe(before);
    const small = await chunked(`${httpBase}/x`, 512, type);
    expect(small.status).toBe(200);
    expect(seen.length).toBe(before + 1);
  });
});

describe('what no route answers', () => {
  // No route matches the asterisk form, and no body parser reads a body whose type does not parse.
  // Express's finalhandler waited for the body's end to write its HTML 404 (with a refusal sent
  // meanwhile, it wrote anyway: ERR_HTTP_HEADERS_SENT, uncaught).
  it('is a problem+json 404 at once, even with the body still arriving', async () => {
    // The rest of the body, once the answer is in: taken and dropped, not reset.
    const peer = await uploadPastAnswer(
      httpBase,
      'LINK * HTTP/1.1\r\nhost: x\r\ncontent-type: no media type\r\n' +
        `content-length: 1000\r\n\r\n${'x'.repeat(100)}`,
      'x'.repeat(450),
    );
    expect(peer.answer).toMatch(/^HTTP\/1.1 404 /);
    expect(peer.answer).toMatch(/content-type: application\/problem\+json/i);
    expect(peer.answer).toMatch(/connection: close/i);
    const json = peer.answer.slice(peer.answer.indexOf('\r\n\r\n') + 4);
    expect((JSON.parse(json) as { detail: string }).detail).toBe('nothing answers LINK *');
    expect(peer.error).toBeUndefined();
    expect(peer.ended).toBe(true);
    expect((await fetch(`${httpBase}/healthz`)).status).toBe(200);
  });
});

describe('CloudEvent functions behind the guards', () => {
  const good = makeEvent(
    EventType.LearningRequested,
    { jobId: 'j1' },
    { source: '/multivac/test', id: 'g1' },
  );

  it.each([
    ['binary', HTTP.binary(good)],
    ['structured', HTTP.structured(good)],
  ])('delivers a valid %s event and answers 204', async (_mode, message) => {
    const res = await fetch(eventBase, {
      method: 'POST',
      headers: message.headers as Record<string, string>,
      body: message.body as string,
    });
    expect(res.status).toBe(204);
    expect(seen.at(-1)).toMatchObject({
      id: 'g1',
      type: EventType.LearningRequested,
      data: { jobId: 'j1' },
    });
  });

  it.each([
    ['an unknown type', HTTP.binary(good.cloneWith({ type: 'com.example.nope' })), /unknown type/],
    ['invalid data', HTTP.binary(good.cloneWith({ data: { jobId: 'bad id!' } })), /invalid data/],
    [
      'no CloudEvent at all',
      { headers: { 'content-type': 'application/json' }, body: '{}' },
      /not a CloudEvent/,
    ],
    [
      'a batch',
      {
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify([good.toJSON(), good.toJSON()]),
      },
      /batch/,
    ],
    [
      'a missing id',
      {
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          type: EventType.LearningRequested,
          source: '/s',
          data: { jobId: 'j' },
        }),
      },
      /missing id/,
    ],
  ])('rejects %s with a 400 the broker will not retry', async (_name, message, detail) => {
    const before = seen.length;
    const res = await fetch(eventBase, {
      method: 'POST',
      headers: message.headers as Record<string, string>,
      body: message.body as string,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    expect(seen.length).toBe(before);
  });

  it('reports a failing handler as 500 so the broker retries', async () => {
    const message = HTTP.binary(good.cloneWith({ id: 'boom', data: { jobId: 'explode' } }));
    const res = await fetch(eventBase, {
      method: 'POST',
      headers: message.headers as Record<string, string>,
      body: message.body as string,
    });
    expect(res.status).toBe(500);
  });

  it('answers other methods with 405', async () => {
    expect((await fetch(eventBase, { method: 'GET' })).status).toBe(405);
  });
});

describe('a typed event handler behind the guards', () => {
  it('gets the very event the server validated, not a second parse of it', async () => {
    const event = makeEvent(
      EventType.LearningRequested,
      { jobId: 'once' },
      { source: '/multivac/test', id: 'typed-1' },
    );
    const message = HTTP.binary(event);
    const res = await fetch(typedBase, {
      method: 'POST',
      headers: message.headers as Record<string, string>,
      body: message.body as string,
    });
    expect(res.status).toBe(204);
    expect(handled).toEqual([{ id: 'typed-1', fromServer: true }]);
  });
});

describe('bodies are read within the body budget', () => {
  const BODY = 600; // of a 1024-byte limit: a budget of 1,500 bytes holds two at once
  let running = 0;
  let most = 0;
  const handledBodies: number[] = [];
  http('rt-budget', (req, res) => {
    if (req.method === 'GET') return void res.status(200).end();
    running++;
    most = Math.max(most, running);
    setTimeout(() => {
      running--;
      handledBodies.push(String((req.body as { text: string }).text).length);
      res.status(202).end();
    }, 40);
  });
  let base = '';
  beforeAll(async () => {
    const server = createFunctionServer({
      target: 'rt-budget',
      signature: 'http',
      bodyLimit: LIMIT,
      bodyBudget: 1500,
      log,
    });
    servers.push(server);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });

  it('more bodies than fit wait their turn and are all handled; GETs never wait', async () => {
    const post = () =>
      fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x'.repeat(BODY - 11) }),
      }).then((r) => r.status);
    let answered = 0;
    const posts = Array.from({ length: 6 }, () => post().finally(() => answered++));
    // While the bodies queue, a request without one goes straight through.
    const get = await fetch(`${base}/anything`).then((r) => r.status);
    const answeredBeforeGet = answered;
    expect(await Promise.all(posts)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(get).toBe(200);
    expect(answeredBeforeGet).toBeLessThan(6);
    expect(most).toBe(2);
    expect(handledBodies.filter((n) => n === BODY - 11)).toHaveLength(6);
  });
});
