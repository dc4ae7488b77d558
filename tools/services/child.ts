import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (fault tests). */
  kill(): Promise<void>;
  /** Resolves when the process exits by itself. */
  readonly exited: Promise<number | null>;
}

const alive = new Set<ChildProcess>();
// Servers must not outlive the process that started them, even when it exits abruptly.
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/** Starts a server process whose output goes to `logFile`. */
export function spawnServer(
  command: string,
  args: readonly string[],
  logFile: string,
  env?: NodeJS.ProcessEnv,
): ServerProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env ?? process.env,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  alive.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      alive.delete(child);
      resolve(code);
    });
    child.once('error', () => {
      alive.delete(child);
      resolve(null);
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (gone()) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    log.end();
  };
  return {
    pid: child.pid ?? -1,
    child,
    exited,
    stop: (graceMs = 5000) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL', 0),
  };
}

/** Polls `check` until it resolves true; fails with the last error after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  {
    timeoutMs = 30_000,
    intervalMs = 50,
    exited,
  }: { timeoutMs?: number; intervalMs?: number; exited?: Promise<unknown> } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void exited?.then(() => (died = true));
  let last: unknown;
  while (Date.now() < deadline) {
    if (died) throw new Error(`${what} exited during start-up`);
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `${what} did not answer within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
  );
}

/**
 * Starts a server again on the port it had. While it was down, clients retrying to connect to that
 * port (an ephemeral one, from freePort) can take it for a moment — the kernel may give a client
 * socket that very port, and a connect to oneself succeeds — so the server may fail to bind:
 * tries a few times.
 */
export async function relaunch(
  launch: () => Promise<ServerProcess>,
  attempts = 10,
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export interface RestartOptions {
  signal?: 'SIGTERM' | 'SIGKILL';
  /** How long the server stays down (default 0). */
  downMs?: number;
}

/** Stops (or kills) `current`, keeps it down for `downMs`, and launches it again on its port. */
export async function restartServer(
  current: ServerProcess,
  launch: () => Promise<ServerProcess>,
  { signal = 'SIGTERM', downMs = 0 }: RestartOptions = {},
): Promise<ServerProcess> {
  await (signal === 'SIGKILL' ? current.kill() : current.stop());
  await new Promise((r) => setTimeout(r, downMs));
  return relaunch(launch);
}
