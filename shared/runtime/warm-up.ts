import type { Logger } from '../log/index';

const tasks: (() => Promise<unknown>)[] = [];

/**
 * Work a function starts as soon as its server listens — its drivers loaded and connections
 * opened — so that they are not on its first request's path. Registered while the function is
 * wired (databaseFor, redisFor); a failure is only logged: the first request that needs the
 * connection tries again.
 */
export function afterListening(task: () => Promise<unknown>): void {
  tasks.push(task);
}

/** Starts every registered task, once (runFunction calls it when the server listens). */
export function startWarmUp(log: Logger): void {
  for (const task of tasks.splice(0))
    void task().catch((err: unknown) =>
      log.debug({ err }, 'warm-up failed; the first use retries'),
    );
}
