import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index';
import { afterListening, startWarmUp } from './warm-up';

const log = createLogger({ service: 'warm-up-test', level: 'silent' });
let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A server whose answers take `ms`, listening; what happened, in order. */
async function serving(ms: number, events: string[]): Promise<string> {
  server = createServer((_req, res) => {
    events.push('request');
    setTimeout(() => {
      events.push('answered');
      res.end('ok');
    }, ms);
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('warm-up', () => {
  it('starts once the first request is answered, not while it is served', async () => {
    const events: string[] = [];
    const url = await serving(30, events);
    const started = new Promise<void>((ok) =>
      afterListening(async () => {
        events.push('warm-up');
        ok();
      }),
    );
    const answer = fetch(url).then((r) => r.text());
    startWarmUp(server!, log);
    expect(await answer).toBe('ok');
    await started;
    expect(events).toEqual(['request', 'answered', 'warm-up']);
  });

  it('waits for the request of a connection that has not sent it yet', async () => {
    const events: string[] = [];
    const url = new URL(await serving(0, events));
    const started = new Promise<void>((ok) =>
      afterListening(async () => {
        events.push('warm-up');
        ok();
      }),
    );
    startWarmUp(server!, log);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((ok) => socket.once('connect', ok));
    // Longer than a warm-up waits for a first request when no connection is open.
    await new Promise((ok) => setTimeout(ok, 30));
    events.push('sent');
    // Written, not ended: a client that half-closes has its request aborted by Node's server.
    socket.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    await started;
    socket.destroy();
    expect(events).toEqual(['sent', 'request', 'answered', 'warm-up']);
  });

  it('starts by itself when no request comes', async () => {
    const events: string[] = [];
    await serving(0, events);
    const started = new Promise<void>((ok) =>
      afterListening(async () => {
        events.push('warm-up');
        ok();
      }),
    );
    startWarmUp(server!, log);
    await started;
    expect(events).toEqual(['warm-up']);
  });
});
