import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, waitUntil, type ServerProcess } from './child';
import { freePort } from './ports';
import { supervise, type SupervisedProcess } from './supervise';

// A stand-in server: serves on PORT; with EXIT_AFTER_MS it exits (code 3) that long after it
// answered its first request (the launcher's readiness check).
const SERVER = `
require('node:http').createServer((q, r) => {
  r.end('ok');
  if (process.env.EXIT_AFTER_MS) setTimeout(() => process.exit(3), Number(process.env.EXIT_AFTER_MS));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multivac-supervise-'));
  script = join(dir, 'server.cjs');
  await writeFile(script, SERVER);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const answers = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok === true;

/** A launcher of the stand-in on one port, and the supervised process it makes. */
async function supervised(env: Record<string, string> = {}, resetAfterMs = 60_000) {
  const port = await freePort();
  const lines: string[] = [];
  const launch = async (): Promise<ServerProcess> => {
    const child = spawnServer(process.execPath, [script], join(dir, `${port}.log`), {
      PATH: process.env.PATH,
      PORT: String(port),
      ...env,
    });
    await waitUntil('stand-in', () => answers(port), { exited: child.exited, timeoutMs: 10_000 });
    return child;
  };
  const server = supervise(launch, await launch(), {
    name: 'stand-in',
    log: (line) => lines.push(line),
    initialDelayMs: 20,
    maxDelayMs: 80,
    resetAfterMs,
  });
  return { server, port, lines };
}

const until = (what: string, check: () => boolean | Promise<boolean>) =>
  waitUntil(what, async () => check(), { timeoutMs: 20_000, intervalMs: 10 });

const delays = (lines: string[]) =>
  lines.flatMap((l) => /restarting in (\d+) ms/.exec(l)?.slice(1).map(Number) ?? []);

describe('supervise', () => {
  let server: SupervisedProcess | undefined;

  it('starts a process killed from outside again and says why in the log', async () => {
    const s = await supervised();
    server = s.server;
    const first = s.server.pid;
    process.kill(first, 'SIGKILL');
    await until('a new process', async () => s.server.pid !== first && (await answers(s.port)));
    expect(s.server.restarts).toBe(1);
    expect(s.lines[0]).toMatch(
      /^stand-in exited \(signal SIGKILL\) after [\d.]+ s; restarting in 20 ms \(restart 1\)$/,
    );
    expect(s.lines[1]).toBe(`stand-in restarted (pid ${s.server.pid})`);
    await s.server.stop();
  });

  it('backs off exponentially, up to the maximum, while the process keeps dying', async () => {
    const s = await supervised({ EXIT_AFTER_MS: '50' });
    server = s.server;
    await until('five restarts', () => s.server.restarts >= 5);
    await s.server.stop();
    expect(s.lines[0]).toMatch(/exited \(exit code 3\)/);
    expect(delays(s.lines).slice(0, 5)).toEqual([20, 40, 80, 80, 80]);
  });

  it('starts the backoff afresh after the process stayed up long enough', async () => {
    const s = await supervised({ EXIT_AFTER_MS: '50' }, 0);
    server = s.server;
    await until('three restarts', () => s.server.restarts >= 3);
    await s.server.stop();
    expect(delays(s.lines).slice(0, 3)).toEqual([20, 20, 20]);
  });

  it('leaves a stopped process down, and a killed one down until start()', async () => {
    const s = await supervised();
    server = s.server;
    const first = s.server.pid;
    await s.server.kill();
    expect(await answers(s.port)).toBe(false);
    await new Promise((r) => setTimeout(r, 100)); // longer than any backoff here
    expect(await answers(s.port)).toBe(false);
    await s.server.start();
    expect(s.server.pid).not.toBe(first);
    expect(await answers(s.port)).toBe(true);
    await s.server.restart({ signal: 'SIGKILL', downMs: 50 });
    expect(await answers(s.port)).toBe(true);
    await s.server.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(await answers(s.port)).toBe(false);
    expect(s.lines).toEqual([]);
    expect(s.server.restarts).toBe(0);
  });

  afterAll(() => server?.stop());
});
