import type { IncomingMessage, ServerResponse } from 'node:http';
import { closingIfUnread, lingerAfterAnswer, sendProblem } from '../http/index';
import type { Logger } from '../log/index';

/**
 * Answers and closes the connection: the rest of the body is not worth reading, but what the
 * client still sends is dropped for a moment, so that it reads the answer rather than a reset.
 */
export function refuse(res: ServerResponse, status: number, detail: string): void {
  lingerAfterAnswer(res);
  sendProblem(res, status, detail, { headers: { connection: 'close' } });
}

/**
 * body-parser's error types → what the client did wrong. An error with no status is not the
 * client's: a 500, logged, rather than a 400 that would hide it.
 */
function statusOf(err: { status?: number; type?: string }): number {
  if (err.type === 'entity.too.large') return 413;
  if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported') return 415;
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 600) return err.status;
  return 500;
}

/**
 * Express's last step for a request that no route answered (called without an error: 404) or
 * whose error nothing handled (body-parser's failures: bad JSON, bad charset, a body over the
 * limit), in place of its finalhandler, which answers in HTML and, with the body still arriving,
 * waits for its end and writes then, even if a refusal has answered meanwhile
 * (ERR_HTTP_HEADERS_SENT, uncaught), and destroys the socket for an error that follows an answer
 * (cutting a refusal's linger short).
 */
export function unanswered(
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
): (err?: unknown) => void {
  return (err) => {
    if (res.headersSent) {
      // The answer is on its way (a refusal, or the function's own); a half-written one cannot be
      // completed.
      if (!res.writableEnded) res.destroy();
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const e = (err ?? {}) as { status?: number; type?: string; message?: string };
    const status = err === undefined ? 404 : statusOf(e);
    if (status >= 500) log.error({ err, path }, 'request failed before the function ran');
    const detail =
      err === undefined
        ? `nothing answers ${req.method ?? ''} ${path}`
        : status >= 500
          ? 'internal error'
          : e.type === 'entity.parse.failed'
            ? `the body is not valid ${String(req.headers['content-type'] ?? '')}: ${e.message ?? ''}`
            : (e.message ?? 'bad request');
    // A body still arriving is not read to its end: answer and close.
    sendProblem(res, status, detail, { headers: closingIfUnread(req, res) });
  };
}
