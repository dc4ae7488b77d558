import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import typeis from 'type-is';
import type { MultivacEvent } from '../events/index';
import { sendProblem } from '../http/index';
import type { Logger } from '../log/index';
import { admittedEvent } from './admitted';
import { BodyTooLargeError, limitStreamingBody, readBody } from './body';
import { BodyBudget } from './body-budget';
import { refuse, unanswered } from './unanswered';

export type Signature = 'http' | 'cloudevent';

export interface FunctionServerOptions {
  /** The name the function registered with the Functions Framework. */
  target: string;
  signature: Signature;
  /** Largest request body accepted (1 MiB by default: docs/architecture.md#security). */
  bodyLimit: number;
  /** Bytes of request bodies handled at once; more wait (body-budget.ts). Default: 4 × bodyLimit. */
  bodyBudget?: number;
  log: Logger;
  /** Readiness beyond "the process serves": e.g. configuration parsed. Defaults to ready. */
  ready?: () => boolean;
}

/** The Express app the framework serves with; the third argument stands in for finalhandler. */
type ExpressApp = (
  req: IncomingMessage,
  res: ServerResponse,
  done: (err?: unknown) => void,
) => void;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * The Functions Framework's own server for a registered function (so the framework instance that
 * the function registered with is the one serving it), fronted by what a public endpoint needs
 * and the framework leaves out:
 * - `GET /healthz` and `GET /readyz` for Kubernetes probes, answered before the function;
 * - the body limit (the framework accepts 1 GiB), compressed bodies refused (no zip bombs);
 * - body-parser failures (bad JSON, bad charset) as problem+json instead of an HTML page;
 * - for CloudEvent functions, the event checked against the catalogue first, so a malformed event
 *   gets a 400 — which the broker dead-letters at once — rather than the framework's 500, which it
 *   would retry in vain.
 */
export function createFunctionServer({
  target,
  signature,
  bodyLimit,
  bodyBudget = 4 * bodyLimit,
  log,
  ready = () => true,
}: FunctionServerOptions): Server {
  const budget = new BodyBudget(Math.max(bodyBudget, bodyLimit));
  const framework = getTestServer(target);
  const app = framework.listeners('request')[0] as ExpressApp;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      const ok = path === '/healthz' || ready();
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      refuse(
        res,
        415,
        `content-encoding "${encoding}" is not accepted; send the body uncompressed`,
      );
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > bodyLimit) {
      refuse(res, 413, `request body is larger than ${bodyLimit} bytes`);
      return;
    }
    // Bodies are read within the budget: a request that does not fit waits, unread.
    const cost =
      declared !== undefined
        ? Number(declared)
        : req.headers['transfer-encoding'] !== undefined
          ? bodyLimit
          : 0;
    if (cost === 0) return serve(req, res, declared);
    // On close, the bytes go back to the budget and the body is dropped: the framework as
    // published runs each request in a domain that the connection's timer keeps until the next
    // request on it, and with it this request and its parsed body, so a kept-alive connection (the
    // queue-proxy pools them) would hold its last body for as long as it lives. The bundles take
    // the framework without that domain (tools/build/without-request-domain.ts); tests and tools
    // that run this module unbundled still have it.
    let release: (() => void) | undefined;
    let gone = false;
    res.once('close', () => {
      gone = true;
      forgetBody(req);
      release?.();
    });
    const taken = budget.take(cost);
    if (typeof taken === 'function') {
      release = taken;
      return serve(req, res, declared);
    }
    void taken.then((granted) => {
      if (gone) return granted();
      release = granted;
      serve(req, res, declared);
    });
  });

  /** Reads (or lets the framework read) the body within the limit, then runs the function. */
  function serve(req: IncomingMessage, res: ServerResponse, declared: string | undefined): void {
    if (signature === 'cloudevent') {
      void admitEvent(req, res, bodyLimit, log).then(
        (event) =>
          event && admittedEvent.run(event, () => app(req, res, unanswered(req, res, log))),
      );
      return;
    }
    if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
      if (!typeis(req, ['*/*'])) {
        // No body parser reads a body without a media type, or with one that does not parse (the
        // framework's widest, raw, asks this very question), so the function would run while it
        // streams in and could act before the limit refuses it: read it all first.
        void readWithin(req, res, bodyLimit).then((raw) => {
          if (!raw) return;
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
          app(req, res, unanswered(req, res, log));
        });
        return;
      }
      limitStreamingBody(req, bodyLimit, () =>
        refuse(res, 413, `request body is larger than ${bodyLimit} bytes`),
      );
    }
    app(req, res, unanswered(req, res, log));
  }

  return server;
}

/** Drops what body-parser and the framework left on a finished request. */
function forgetBody(req: IncomingMessage): void {
  const parsed = req as IncomingMessage & { body?: unknown; rawBody?: Buffer };
  parsed.body = undefined;
  parsed.rawBody = undefined;
}

/** The whole body, or undefined once the request was refused (413) or dropped (client gone). */
async function readWithin(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer | undefined> {
  try {
    return await readBody(req, limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) refuse(res, 413, err.message);
    else res.destroy();
    return undefined;
  }
}

/**
 * Reads and validates a CloudEvent before the framework sees it. The body is left parsed on the
 * request exactly as body-parser would have left it; body-parser then sees a finished stream and
 * skips it.
 */
async function admitEvent(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  log: Logger,
): Promise<MultivacEvent | undefined> {
  if (req.method !== 'POST') {
    sendProblem(res, 405, 'CloudEvents are delivered with POST', { headers: { allow: 'POST' } });
    return undefined;
  }
  const raw = await readWithin(req, res, limit);
  if (!raw) return undefined;
  // Imported here, not at the top: HTTP functions never load the event catalogue and the
  // CloudEvents SDK (a CloudEvent function has both loaded already, by its handler).
  const { EventValidationError, eventsFromHttp, parseEvent } = await import('../events/index');
  let event: MultivacEvent;
  try {
    const events = eventsFromHttp(req.headers, raw);
    if (events.length !== 1)
      throw new EventValidationError('a function takes one event per request, not a batch');
    event = parseEvent(events[0]!);
  } catch (err) {
    const detail =
      err instanceof EventValidationError
        ? err.message
        : `unreadable event: ${(err as Error).message}`;
    log.warn(
      { ceId: req.headers['ce-id'], ceType: req.headers['ce-type'], detail },
      'event rejected',
    );
    sendProblem(res, 400, detail);
    return undefined;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const text = raw.toString('utf8');
  const target = req as IncomingMessage & { body?: unknown; rawBody?: Buffer };
  target.rawBody = raw;
  target.body = JSON_TYPE.test(type)
    ? text
      ? JSON.parse(text)
      : undefined
    : type.startsWith('text/')
      ? text
      : raw;
  return event;
}
