import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index';
import { unanswered } from './unanswered';

const lines: string[] = [];
const log = createLogger({
  service: 'test',
  level: 'info',
  destination: new Writable({
    write: (chunk: Buffer, _e, done) => {
      lines.push(chunk.toString());
      done();
    },
  }),
});

/** What each path hands the last step, as Express would: nothing (no route), or an error. */
const ERRORS: Record<string, unknown> = {
  '/parse': Object.assign(new Error('Unexpected end of JSON input'), {
    status: 400,
    type: 'entity.parse.failed',
  }),
  '/charset': Object.assign(new Error('unsupported charset "KLINGON"'), {
    status: 415,
    type: 'charset.unsupported',
  }),
  '/bug': new Error('secret internals'),
};

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url!.split('?')[0]!;
    const done = unanswered(req, res, log);
    if (path === '/answered') {
      res.end('ok');
      done(new Error('after the answer'));
    } else if (path === '/half') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part of it');
      setImmediate(() => done(new Error('in the middle')));
    } else done(ERRORS[path]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the last step of a request nothing answered', () => {
  it.each([
    ['no route', '/nowhere?x=1', 404, 'nothing answers GET /nowhere'],
    ['a body that does not parse', '/parse', 400, /^the body is not valid .*Unexpected end/],
    ['an unsupported charset', '/charset', 415, 'unsupported charset "KLINGON"'],
    ['an error with no status, without its message', '/bug', 500, 'internal error'],
  ])('answers %s with problem+json', async (_name, path, status, detail) => {
    const res = await fetch(base + path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { detail: string };
    if (typeof detail === 'string') expect(body.detail).toBe(detail);
    else expect(body.detail).toMatch(detail);
  });

  it('logs an error with no status, and only that', async () => {
    lines.length = 0;
    await fetch(`${base}/parse`).then((r) => r.arrayBuffer());
    await fetch(`${base}/bug`).then((r) => r.arrayBuffer());
    const logged = lines.map(
      (l) => JSON.parse(l) as { message: string; err?: { message: string } },
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      message: 'request failed before the function ran',
      err: { message: 'secret internals' },
    });
  });

  it('leaves an answer already sent as it is', async () => {
    const res = await fetch(`${base}/answered`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('cuts off an answer half-written, rather than let it look complete', async () => {
    const res = await fetch(`${base}/half`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});
