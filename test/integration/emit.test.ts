import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EmitError,
  EventType,
  createEmitter,
  eventsFromHttp,
  makeEvent,
} from '../../shared/events/index';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let sink: string;
let received: Received[] = [];
let answer = 202;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (answer === -1) return; // never answer: the emitter must time out
      res
        .writeHead(answer, { 'content-type': 'application/problem+json' })
        .end(answer >= 400 ? JSON.stringify({ detail: 'nope' }) : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  received = [];
  answer = 202;
});

const event = (i: number) =>
  makeEvent(
    EventType.DocumentLearn,
    { jobId: 'j', documentIds: [`d${i}`], total: 1 },
    { source: '/multivac/test', id: `e${i}` },
  );

describe('emit to a real HTTP receiver', () => {
  it('delivers one event in binary mode', async () => {
    await createEmitter({ sink })(event(1));
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['ce-id']).toBe('e1');
    const [back] = eventsFromHttp(received[0]!.headers, received[0]!.body);
    expect(back!.data).toEqual({ jobId: 'j', documentIds: ['d1'], total: 1 });
  });

  it('delivers a batch as application/cloudevents-batch+json', async () => {
    await createEmitter({ sink, maxBatch: 10 })(Array.from({ length: 25 }, (_, i) => event(i)));
    expect(received).toHaveLength(3);
    const ids = received.flatMap((r) => eventsFromHttp(r.headers, r.body).map((e) => e.id));
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `e${i}`));
  });

  it.each([
    [400, false],
    [429, true],
    [503, true],
  ])('surfaces a sink answering %i as an EmitError (retryable: %s)', async (status, retryable) => {
    answer = status;
    const error = await createEmitter({ sink })(event(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmitError);
    expect(error).toMatchObject({ status, retryable });
    expect((error as Error).message).toContain(`refused the event: ${status}`);
  });

  it('gives up after the timeout', async () => {
    answer = -1;
    const error = await createEmitter({ sink, timeoutMs: 200 })(event(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmitError);
    expect((error as Error).message).toMatch(/no answer within 200 ms/);
  });

  it('reports an unreachable sink', async () => {
    const error = await createEmitter({ sink: 'http://127.0.0.1:1/' })(event(1)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmitError);
    expect((error as Error).message).toMatch(/unreachable/);
  });
});
