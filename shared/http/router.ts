import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log/index';
import { requestLogger } from '../log/index';
import type { Metrics } from '../metrics/index';
import { HttpError, sendProblem } from './problem';
import { monotonicMs, secondsSince } from '../metrics/clock';

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
 *
 * A handler that answers synchronously is run without a promise: the Functions Framework runs
 * every request in a `domain`, whose async hooks make each promise a request creates cost an
 * init and a destroy hook (and garbage), which on a cached `GET /multivac` was most of what the
 * router added to the framework's own cost. For the same reason a request allocates one object
 * here (its `Exchange`, which is also the handler's context), not a set of closures.
 */
export function createRouter<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(
  routes: readonly Route<Req, Res>[],
  options: RouterOptions,
): (req: Req, res: Res) => Promise<void> | void {
  const table = routes.map(compile);
  return (req, res) => {
    const exchange = new Exchange(req, res, options);
    let answered: Promise<void> | void;
    try {
      const { compiled, params } = matchRoute(table, req.method, exchange.path);
      exchange.route = compiled.route.path;
      exchange.params = params;
      answered = compiled.route.handler(exchange);
    } catch (err) {
      exchange.fail(err);
      return exchange.done();
    }
    if (!answered) return exchange.done();
    return answered.then(
      () => exchange.done(),
      (err: unknown) => {
        exchange.fail(err);
        exchange.done();
      },
    );
  };
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** One request on its way through the router, and the context its handler gets. */
class Exchange<Req extends IncomingMessage, Res extends ServerResponse> implements RouteContext<
  Req,
  Res
> {
  readonly started = monotonicMs();
  readonly path: string;
  route = 'unmatched';
  params = NO_PARAMS;
  #log: Logger | undefined;

  constructor(
    readonly req: Req,
    readonly res: Res,
    private readonly options: RouterOptions,
  ) {
    this.path = (req.url ?? '/').split('?')[0]!;
  }

  /** Made on first use: pino serializes a child's bindings when it is made, which the many
   * requests that log nothing should not pay for. */
  get log(): Logger {
    return (this.#log ??= requestLogger(
      this.options.log,
      this.req.headers,
      this.options.projectId,
    ));
  }

  fail(err: unknown): void {
    const { res, path } = this;
    if (err instanceof HttpError) {
      sendProblem(res, err.status, err.detail, {
        headers: { ...err.headers },
        instance: path,
        extensions: { ...err.extensions },
      });
    } else if (isUnavailable(err)) {
      this.log.warn({ err }, 'a backing service is unavailable');
      sendProblem(res, 503, 'a backing service is unavailable; retry shortly', {
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
        instance: path,
      });
    } else {
      this.log.error({ err }, 'request failed');
      sendProblem(res, 500, 'the request could not be completed; it has been logged');
    }
  }

  done(): void {
    const { req, res, options } = this;
    const seconds = secondsSince(this.started);
    options.metrics?.observeHttp(this.route, req.method ?? 'GET', res.statusCode, seconds);
    if (options.log.isLevelEnabled('debug'))
      this.log.debug(
        {
          method: req.method,
          path: this.path,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
  }
}

/** The route for a method and path, with its decoded parameters; 404 or 405 as HttpErrors. */
function matchRoute<Req extends IncomingMessage, Res extends ServerResponse>(
  table: readonly Compiled<Req, Res>[],
  requestMethod: string | undefined,
  path: string,
): { compiled: Compiled<Req, Res>; params: Readonly<Record<string, string>> } {
  const method = requestMethod === 'HEAD' ? 'GET' : (requestMethod ?? 'GET');
  let compiled: Compiled<Req, Res> | undefined;
  for (const c of table) {
    if (c.route.method === method && c.pattern.test(path)) {
      compiled = c;
      break;
    }
  }
  if (!compiled) {
    const onPath = table.filter((c) => c.pattern.test(path));
    if (!onPath.length) throw new HttpError(404, `no resource at ${path}`);
    const allow = [
      ...new Set(
        onPath.map((c) => c.route.method).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])),
      ),
    ];
    throw new HttpError(
      405,
      `${requestMethod} is not allowed on ${path}; use ${allow.join(', ')}`,
      {
        allow: allow.join(', '),
      },
    );
  }
  if (!compiled.names.length) return { compiled, params: NO_PARAMS };
  const params: Record<string, string> = {};
  const values = compiled.pattern.exec(path)!;
  compiled.names.forEach((name, i) => (params[name] = decodeSegment(values[i + 1]!)));
  return { compiled, params };
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
