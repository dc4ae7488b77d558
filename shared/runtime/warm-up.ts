import type { Server } from 'node:http';
import type { Logger } from '../log/index';

const tasks: (() => Promise<unknown>)[] = [];

/**
 * Work a function starts right after its server listens — its drivers loaded and connections
 * opened — so that they are not on its first request's path. Registered while the function is
 * wired (databaseFor, redisFor); a failure is only logged: the first request that needs the
 * connection tries again.
 */
export function afterListening(task: () => Promise<unknown>): void {
  tasks.push(task);
}

/** How long after listening the tasks start when no request has come by then. */
const IDLE_MS = 10;

/**
 * Resolves once a request already waiting on `server` has been taken in (so that a probe or a
 * welcome page does not wait for work it does not need), or IDLE_MS from now, whichever is first.
 */
export function firstRequestOrIdle(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, IDLE_MS);
    server.once('request', () =>
      setImmediate(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

/**
 * Starts the registered tasks, once, right after `server` listens (`firstRequestOrIdle`). A
 * request that needs a connection opens it itself — the same one: connections are lazy and shared.
 */
export function startWarmUp(server: Server, log: Logger): void {
  void firstRequestOrIdle(server).then(() => {
    for (const task of tasks.splice(0))
      void task().catch((err: unknown) =>
        log.debug({ err }, 'warm-up failed; the first use retries'),
      );
  });
}
