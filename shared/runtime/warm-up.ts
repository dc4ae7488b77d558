import type { Server, ServerResponse } from 'node:http';
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
/** How long a first request's answer is waited for, at most, before the tasks start anyway. */
const ANSWER_MS = 250;

/**
 * Resolves once the first request has been answered, so that it has the process to itself (a
 * probe or a welcome page does not wait for work it does not need, and a request that needs a
 * connection is not slowed by others being set up: with the Redis client's and the CloudEvents
 * emitter's set-up before its answer, `process`'s first answer took ~20 ms longer). A connection
 * already open counts as a request coming: its request may still be unread when the loop turns
 * (an event's body), and a warm-up started then would keep it unread while the drivers load.
 * Without a connection the tasks start IDLE_MS from now; a first request still unanswered after
 * ANSWER_MS does not hold them back any longer.
 */
export function firstAnswerOrIdle(server: Server): Promise<void> {
  return new Promise((resolve) => {
    let timer = setTimeout(resolve, IDLE_MS);
    const waitForAnswer = () => {
      clearTimeout(timer);
      timer = setTimeout(resolve, ANSWER_MS);
    };
    server.once('connection', waitForAnswer);
    server.once('request', (_req, res: ServerResponse) => {
      waitForAnswer();
      res.once('close', () =>
        setImmediate(() => {
          clearTimeout(timer);
          resolve();
        }),
      );
    });
  });
}

/**
 * Starts the registered tasks, once, right after `server` listens (`firstAnswerOrIdle`). A
 * request that needs a connection opens it itself — the same one: connections are lazy and shared.
 */
export function startWarmUp(server: Server, log: Logger): void {
  void firstAnswerOrIdle(server).then(() => {
    for (const task of tasks.splice(0))
      void task().catch((err: unknown) =>
        log.debug({ err }, 'warm-up failed; the first use retries'),
      );
  });
}
