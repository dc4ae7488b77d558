import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEEP_ALIVE_MS, listen } from './listen';

const answers = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())) === 'ok';

describe('listen', () => {
  it('listens on every interface by default, reachable on IPv4 loopback', async () => {
    const server = createServer((_, res) => res.end('ok'));
    const port = await listen(server, 0);
    try {
      expect(['::', '0.0.0.0']).toContain((server.address() as { address: string }).address);
      expect(await answers(port)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('listens on the address it is given', async () => {
    const server = createServer((_, res) => res.end('ok'));
    const port = await listen(server, 0, '127.0.0.1');
    try {
      expect(server.address()).toMatchObject({ address: '127.0.0.1', port });
      expect(await answers(port)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = createServer();
    const port = await listen(first, 0, '127.0.0.1');
    try {
      await expect(listen(createServer(), port, '127.0.0.1')).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      first.close();
    }
  });

  it('binds every interface without resolving a host (no node:dns in a fresh Node)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'multivac-listen-'));
    try {
      writeFileSync(
        join(dir, 'check.mjs'),
        `import { createServer } from 'node:http';
         import { listen } from ${JSON.stringify(join(import.meta.dirname, 'listen.ts'))};
         const server = createServer();
         await listen(server, 0);
         const dns = process.moduleLoadList.includes('NativeModule dns');
         server.close();
         console.log(JSON.stringify({ dns }));`,
      );
      const out = execFileSync(process.execPath, [join(dir, 'check.mjs')], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({ dns: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kept-alive connections', () => {
  it('stay open longer than the proxies in front keep theirs idle (Go: 90 s)', async () => {
    const server = createServer((_, res) => res.end('ok'));
    const port = await listen(server, 0, '127.0.0.1');
    try {
      expect(KEEP_ALIVE_MS).toBeGreaterThan(90_000);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      await res.text();
      // What a client is told: Node announces the server's keep-alive timeout.
      expect(res.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
    } finally {
      server.close();
    }
  });
});
