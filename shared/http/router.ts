import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log/index';
import { requestLogger } from '../log/index';
import type { Metrics } from '../metrics/index';
import { HttpError, sendProblem } from './problem';

/** What a route handler gets: the Express request/response the Functions Framework passes. */
export interface RouteContext<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> {
  req: Req;
  res: Res;
  params: Readonly<Record<string, string>>;
  log: Logger;
}

export interface Route<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** `/multivac/data/:id` style; `:name` matches one non-empty segment. */
  path: string;
  handler(ctx: RouteContext<Req, Res>): Promise<void> | void;
}

interface Compiled<Req extends IncomingMessage, Res extends ServerResponse> {
  route: Route<Req, Res>;
  pattern: RegExp;
  names: string[];
}

function compile<Req extends IncomingMessage, Res extends ServerResponse>(
  route: Route<Req, Res>,
): Compiled<Req, Res> {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

export interface RouterOptions {
  log: Logger;
  metrics?: Metrics;
  projectId?: string;
}

/**
 * An HTTP function body from a route table: 404 and 405 (with `Allow`) as problem+json, HEAD
 * served by GET routes, HttpErrors turned into problems, anything unexpected into a logged 500
 * that never takes the process down, and one metric and one log line per request.
 */
export function createRouter<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(
  routes: readonly Route<Req, Res>[],
  { log, metrics, projectId }: RouterOptions,
): (req: Req, res: Res) => Promise<void> {
  const table = routes.map(compile);
  return async (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    // Made on first use: pino serializes a child's bindings when it is made, which the many
    // requests that log nothing should not pay for.
    let requestLog: Logger | undefined;
    const reqLog = () => (requestLog ??= requestLogger(log, req.headers, projectId));
    let routeLabel = 'unmatched';
    try {
      if (path === undefined)
        throw new HttpError(400, 'the request path is not valid percent-encoding');
      const onPath = table.filter((c) => c.pattern.test(path));
      if (!onPath.length) throw new HttpError(404, `no resource at ${path}`);
      const match = onPath.find((c) => c.route.method === method);
      if (!match) {
        const allow = [
          ...new Set(
            onPath.map((c) => c.route.method).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])),
          ),
        ];
        throw new HttpError(
          405,
          `${req.method} is not allowed on ${path}; use ${allow.join(', ')}`,
          { allow: allow.join(', ') },
        );
      }
      routeLabel = match.route.path;
      const values = match.pattern.exec(path)!.slice(1);
      const params = Object.fromEntries(
        match.names.map((name, i) => [name, decodeSegment(values[i]!)]),
      );
      await match.route.handler({
        req,
        res,
        params,
        get log() {
          return reqLog();
        },
      });
    } catch (err) {
      if (err instanceof HttpError) {
        sendProblem(res, err.status, err.detail, {
          headers: { ...err.headers },
          instance: path,
          extensions: { ...err.extensions },
        });
      } else if (isUnavailable(err)) {
        reqLog().warn({ err }, 'a backing service is unavailable');
        sendProblem(res, 503, 'a backing service is unavailable; retry shortly', {
          headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
          instance: path,
        });
      } else {
        reqLog().error({ err }, 'request failed');
        sendProblem(res, 500, 'the request could not be completed; it has been logged');
      }
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics?.observeHttp(routeLabel, req.method ?? 'GET', res.statusCode, seconds);
      if (log.isLevelEnabled('debug'))
        reqLog().debug(
          { method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) },
          'request',
        );
    }
  };
}

const RETRY_AFTER_SECONDS = 5;

/** Driver errors that mean "MongoDB or Redis is away", by name, so no driver is imported here. */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MaxRetriesPerRequestError',
]);

/**
 * A request that failed because a backing service is unreachable is worth retrying: a 503 with
 * Retry-After says so, where a 500 would not.
 */
function isUnavailable(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  if (typeof e?.name === 'string' && UNAVAILABLE.has(e.name)) return true;
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ECONNRESET') return true;
  return (
    typeof e?.message === 'string' &&
    /^(Connection is closed|Stream isn't writeable)/.test(e.message)
  );
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `the path segment "${segment}" is not valid percent-encoding`);
  }
}
