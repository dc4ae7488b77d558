import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../services/ports';
import { createActivator } from './gateway';
import { FunctionProcess } from './pool';

// A stand-in function: answers every request with its pid once it has read the body.
const SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  req.resume();
  req.on('end', () => res.end(String(process.pid)));
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

let dir: string;
let fn: FunctionProcess;
let activator: Server;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-activator-'));
  const bundle = join(dir, 'index.cjs');
  await writeFile(bundle, SERVER);
  fn = new FunctionProcess({
    name: 'one',
    bundle,
    port: await freePort(),
    env: process.env,
    idleMs: 0,
    warm: false,
    concurrency: 1,
    out: () => {},
  });
  activator = createActivator(new Map([['one', fn]]));
  await new Promise<void>((r) => activator.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(activator.address() as { port: number }).port}`;
});
afterAll(async () => {
  activator.closeAllConnections();
  await new Promise((r) => activator.close(r));
  await fn.stop('shutdown');
  await rm(dir, { recursive: true, force: true });
});

describe('the activator', () => {
  it(
    'gives back the slot of a request whose sender left while the function was starting',
    { timeout: 20_000 },
    async () => {
      // The sender leaves mid-body, before the cold function is ready to take the request.
      const gone = new AbortController();
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"partial":'));
        },
      });
      const left = fetch(`${url}/one/`, {
        method: 'POST',
        body,
        duplex: 'half',
        signal: gone.signal,
      } as RequestInit).catch(() => 'left');
      await new Promise((r) => setTimeout(r, 20));
      gone.abort();
      expect(await left).toBe('left');
      // With its one slot leaked, this request would wait forever.
      const next = await fetch(`${url}/one/`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(15_000),
      });
      expect(next.status).toBe(200);
      expect(Number(await next.text())).toBe(fn.pid);
    },
  );
});
