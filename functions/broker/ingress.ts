import type { IncomingMessage, ServerResponse } from 'node:http';
import { closingIfUnread, sendProblem } from '../../shared/http/index';
import type { Logger } from '../../shared/log/index';
import { BodyTooLargeError, readBody } from '../../shared/runtime/body';
import { readEvents } from './codec';
import { CodecError } from './format';
import type { BrokerMetrics } from './metrics';
import {
  EventTooLargeError,
  StreamLostError,
  prepare,
  type Prepared,
  type Publish,
} from './publish';
import { monotonicMs, secondsSince } from '../../shared/metrics/clock';

export interface IngressOptions {
  publish: Publish;
  /** Largest request body (MULTIVAC_BODY_LIMIT_BYTES). */
  maxRequestBytes: number;
  /** Largest single event, as stored (MULTIVAC_MAX_EVENT_BYTES). */
  maxEventBytes: number;
  /**
   * Why events cannot be taken now (starting, stopping, streams being made again after Redis
   * lost them), or undefined once Redis answered and every stream and group exists.
   */
  unavailable: () => string | undefined;
  log: Logger;
  metrics: BrokerMetrics;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The broker's way in, Knative's broker-ingress contract: `POST /` with CloudEvents in binary,
 * structured or batch mode. `202` once Redis holds every event of the request in the stream of
 * each trigger that takes it (a duplicate by `source` + `id` included, not appended again; an
 * event no trigger takes is not stored); otherwise a problem+json `400` (not a valid CloudEvent),
 * `413` (request or event too large), `415` (not a CloudEvent media type), or `503` (Redis
 * unavailable, streams being made again, starting or stopping; worth a retry) — and nothing of
 * the request stored.
 * Also `GET /healthz` and `GET /readyz`.
 */
export function createIngress(options: IngressOptions): Handler {
  const { log, metrics } = options;
  return (req, res) => {
    const started = monotonicMs();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const route = query < 0 ? url : url.slice(0, query);
    res.on('finish', () => {
      const known = route === '/' || route === '/healthz' || route === '/readyz';
      metrics.base.observeHttp(
        known ? route : 'unmatched',
        req.method ?? 'GET',
        res.statusCode,
        secondsSince(started),
      );
      if (route === '/' && res.statusCode >= 400)
        metrics.rejected.inc({ status: String(res.statusCode) });
    });
    handle(req, res, route, options).catch((err: unknown) => {
      log.error({ err }, 'ingress request failed');
      if (!res.headersSent) sendProblem(res, 500, 'the request could not be completed');
      else res.destroy();
    });
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  { publish, maxRequestBytes, maxEventBytes, unavailable, log }: IngressOptions,
): Promise<void> {
  if (req.method === 'GET' && (route === '/healthz' || route === '/readyz')) {
    const ok = route === '/healthz' || unavailable() === undefined;
    res
      .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
      .end(ok ? 'ok\n' : 'not ready\n');
    return;
  }
  if (route !== '/') return refuse(req, res, 404, `no resource at ${route}; publish to /`);
  if (req.method !== 'POST') {
    return refuse(req, res, 405, 'CloudEvents are published with POST', { allow: 'POST' });
  }
  const why = unavailable();
  if (why !== undefined) return refuse(req, res, 503, why, { 'retry-after': '1' });
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    return refuse(req, res, 415, `content-encoding "${encoding}" is not accepted`);
  }
  if (Number(req.headers['content-length'] ?? 0) > maxRequestBytes) {
    return refuse(req, res, 413, `the request is larger than ${maxRequestBytes} bytes`);
  }
  let body: Buffer;
  try {
    body = await readBody(req, maxRequestBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return refuse(req, res, 413, `the request is larger than ${maxRequestBytes} bytes`);
    }
    res.destroy(); // the client went away
    return;
  }
  let events: Prepared[];
  try {
    events = readEvents(req.headers, body).map((event) => prepare(event, maxEventBytes));
  } catch (err) {
    if (err instanceof CodecError) return refuse(req, res, err.status, err.message);
    if (err instanceof EventTooLargeError) return refuse(req, res, 413, err.message);
    throw err;
  }
  try {
    const result = await publish(events);
    if (log.isLevelEnabled('debug')) log.debug(result, 'published');
  } catch (err) {
    if (err instanceof StreamLostError) {
      log.warn({ stream: err.stream, events: events.length }, err.message);
      return refuse(req, res, 503, 'Redis lost event streams; the broker is making them again', {
        'retry-after': '1',
      });
    }
    log.warn({ err, events: events.length }, 'Redis did not take the events');
    return refuse(req, res, 503, 'the event store is unavailable; try again', {
      'retry-after': '1',
    });
  }
  res.writeHead(202, { 'content-length': '0' }).end();
}

/** Answers with a problem; an unread body is not worth reading, so the connection closes. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  // Closing at once with the body unread would reset the connection, and a publisher still
  // uploading would fail its write and never read the answer: close it as the functions do.
  sendProblem(res, status, detail, { headers: closingIfUnread(req, res, headers) });
}
