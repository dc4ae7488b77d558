import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { lingerAfterAnswer, sendProblem } from '../../shared/http/index';

export interface ProxyTarget {
  port: number;
  agent: Agent;
}

/**
 * A keep-alive agent per upstream, as a sidecar proxy would hold; an idle connection is closed by
 * the proxy first (60 s, the functions keep theirs KEEP_ALIVE_MS), so that no request is sent on
 * one the function is closing.
 */
export const upstreamAgent = () => new Agent({ keepAlive: true, maxSockets: 256, timeout: 60_000 });

/**
 * Forwards `req` to 127.0.0.1:`port` and streams the answer back, appending the client's address
 * to `X-Forwarded-For` (the function rate-limits on the address the edge saw). Resolves when the
 * exchange is over, whatever its outcome.
 *
 * The function may answer before it has read the whole body (a `413` to a body over its limit)
 * and close the connection: that answer is what the client gets, on a connection that then closes
 * the same gentle way (`lingerAfterAnswer`). The rest of the client's body is no longer forwarded,
 * and an upstream error that follows the answer — the function no longer reading what was still
 * being sent — is not a failure.
 */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
  {
    path = req.url ?? '/',
    responseHeaders = {},
  }: { path?: string; responseHeaders?: Record<string, string> } = {},
): Promise<void> {
  return new Promise((resolve) => {
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    let answered = false;
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path,
        agent: target.agent,
        headers: { ...req.headers, 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'http' },
      },
      (answer) => {
        answered = true;
        const early = !req.complete;
        if (early) {
          // The function decided without the rest of the body: stop sending it, and end the
          // client's connection with the answer as the function did (its upload was cut short).
          req.unpipe(upstream);
          answer.once('end', () => upstream.destroy());
          lingerAfterAnswer(res);
        }
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          ...responseHeaders,
          ...(early ? { connection: 'close' } : {}),
        });
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (err) => {
      if (answered) return;
      if (!res.headersSent) sendProblem(res, 502, `the function did not answer: ${err.message}`);
      else res.destroy();
    });
    res.on('close', () => {
      if (!upstream.destroyed && !res.writableFinished) upstream.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
