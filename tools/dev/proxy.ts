import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendProblem } from '../../shared/http/index';

export interface ProxyTarget {
  port: number;
  agent: Agent;
}

/** A keep-alive agent per upstream, as a sidecar proxy would hold. */
export const upstreamAgent = () => new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Forwards `req` to 127.0.0.1:`port` and streams the answer back, appending the client's address
 * to `X-Forwarded-For` (the function rate-limits on the address the edge saw). Resolves when the
 * exchange is over, whatever its outcome.
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
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...responseHeaders });
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (err) => {
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
