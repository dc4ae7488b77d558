import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../services/ports';
import { FunctionProcess } from './pool';

// A stand-in bundle: any program that serves /readyz on PORT will do for the pool.
const SERVER = `
const http = require('node:http');
let n = 0;
http.createServer((req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  setTimeout(() => res.end(String(process.pid) + ':' + ++n), Number(new URL(req.url, 'http://x').searchParams.get('ms') || 0));
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

let dir: string;
let bundle: string;
const lines: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-pool-'));
  bundle = join(dir, 'index.cjs');
  await writeFile(bundle, SERVER);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function call(fn: FunctionProcess, ms = 0): Promise<string> {
  const target = await fn.acquire();
  try {
    return await (await fetch(`http://127.0.0.1:${target.port}/?ms=${ms}`)).text();
  } finally {
    fn.release();
  }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  return check();
};

describe('FunctionProcess', () => {
  it('starts on the first request, scales to zero when idle, and starts again', async () => {
    const started: number[] = [];
    const fn = new FunctionProcess({
      name: 'f',
      bundle,
      port: await freePort(),
      env: process.env,
      idleMs: 200,
      warm: false,
      out: (l) => lines.push(l),
      onStarted: (_n, ms) => started.push(ms),
    });
    expect(fn.state).toBe('stopped');
    const first = await call(fn);
    const pid = Number(first.split(':')[0]);
    expect(fn.state).toBe('running');
    expect(started).toHaveLength(1);
    expect(await until(() => fn.state === 'stopped')).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
    const second = await call(fn);
    expect(Number(second.split(':')[0])).not.toBe(pid);
    expect(started).toHaveLength(2);
    await fn.stop();
  });

  it('never stops while a request is in flight', async () => {
    const fn = new FunctionProcess({
      name: 'g',
      bundle,
      port: await freePort(),
      env: process.env,
      idleMs: 50,
      warm: false,
      out: (l) => lines.push(l),
    });
    const slow = call(fn, 600);
    const answer = await slow;
    expect(answer).toMatch(/^\d+:1$/);
    await fn.stop();
  });

  it('shares one start among concurrent first requests', async () => {
    let starts = 0;
    const fn = new FunctionProcess({
      name: 'h',
      bundle,
      port: await freePort(),
      env: process.env,
      idleMs: 0,
      warm: false,
      out: (l) => lines.push(l),
      onStarted: () => starts++,
    });
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(fn)));
    expect(new Set(answers.map((a) => a.split(':')[0])).size).toBe(1);
    expect(starts).toBe(1);
    await fn.stop();
  });

  it('is not started again once stopped for shutdown', async () => {
    const fn = new FunctionProcess({
      name: 's',
      bundle,
      port: await freePort(),
      env: process.env,
      idleMs: 0,
      warm: false,
      out: (l) => lines.push(l),
    });
    await call(fn);
    await fn.stop('shutdown');
    expect(fn.state).toBe('stopped');
    await expect(fn.acquire()).rejects.toThrow(/shutting down/);
    expect(fn.pid).toBeUndefined();
  });

  it('takes a fresh port when another program holds its own, even one answering /readyz', async () => {
    const port = await freePort();
    const squatter = createServer((_req, res) => res.end('squatter'));
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const fn = new FunctionProcess({
        name: 'p',
        bundle,
        port,
        env: process.env,
        idleMs: 0,
        warm: false,
        out: (l) => lines.push(l),
      });
      expect(await call(fn)).toMatch(/^\d+:1$/);
      expect(fn.target.port).not.toBe(port);
      expect(lines.some((l) => l.includes(`port ${port} is taken`))).toBe(true);
      await fn.stop();
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('reports a bundle that dies at start-up', async () => {
    const broken = join(dir, 'broken.cjs');
    await writeFile(broken, 'process.exit(3)');
    const fn = new FunctionProcess({
      name: 'b',
      bundle: broken,
      port: await freePort(),
      env: process.env,
      idleMs: 0,
      warm: false,
      out: (l) => lines.push(l),
    });
    await expect(fn.acquire()).rejects.toThrow(/exited during start-up/);
  });

  it('starts again on fresh ports when its port was taken before it could bind it', async () => {
    // The first start finds its port taken (as when an outgoing connection got it as its local
    // port after the stack chose it); the second binds.
    const flaky = join(dir, 'flaky.cjs');
    const marker = join(dir, 'flaky-tried');
    await writeFile(
      flaky,
      `const fs = require('node:fs');
if (!fs.existsSync(${JSON.stringify(marker)})) {
  fs.writeFileSync(${JSON.stringify(marker)}, '');
  console.error('Error: listen EADDRINUSE: address already in use 127.0.0.1:' + process.env.PORT);
  process.exit(1);
}
${SERVER}`,
    );
    const own: string[] = [];
    const fn = new FunctionProcess({
      name: 'f',
      bundle: flaky,
      port: await freePort(),
      env: process.env,
      idleMs: 0,
      warm: false,
      out: (l) => own.push(l),
    });
    expect(await call(fn)).toMatch(/^\d+:1$/);
    expect(own.some((l) => l.includes('its port was taken meanwhile'))).toBe(true);
    expect(fn.starts).toBe(1);
    await fn.stop();
  });
});
