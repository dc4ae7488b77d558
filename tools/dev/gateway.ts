import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendProblem } from '../../shared/http/index';
import type { FunctionProcess } from './pool';
import { proxy } from './proxy';
import type { Routing } from './routing';

async function forward(
  fn: FunctionProcess,
  req: IncomingMessage,
  res: ServerResponse,
  options: { path?: string; responseHeaders?: Record<string, string> },
): Promise<void> {
  // A client may leave while its request waits for a start or a slot (the broker killed with
  // deliveries on their way): its slot must come back at once, not with an answer nobody reads.
  let gone = false;
  res.once('close', () => (gone = true));
  let target;
  try {
    target = await fn.acquire();
  } catch (err) {
    sendProblem(res, 503, `${fn.name} could not be started: ${(err as Error).message}`, {
      headers: { 'retry-after': '5' },
    });
    return;
  }
  if (gone) {
    fn.release();
    return;
  }
  try {
    await proxy(req, res, target, options);
  } finally {
    fn.release();
  }
}

/**
 * The public entry, as the Istio ingress gateway is in production: routes by the production
 * VirtualService, answers its direct responses, and forwards the rest to the function (starting it
 * first when it is scaled to zero).
 */
export function createGateway(
  routing: Routing,
  functions: ReadonlyMap<string, FunctionProcess>,
): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const action = routing.resolve(req.method ?? 'GET', path, req.headers);
    if (!action) {
      sendProblem(res, 404, `no route for ${req.method} ${path}`);
      return;
    }
    if (action.kind === 'direct') {
      req.resume();
      res.writeHead(action.status, {
        ...action.responseHeaders,
        'content-length': Buffer.byteLength(action.body),
      });
      res.end(action.body);
      return;
    }
    const fn = functions.get(action.service);
    if (!fn) {
      sendProblem(
        res,
        502,
        `route ${action.route} points at ${action.service}, which is not a function here`,
      );
      return;
    }
    void forward(fn, req, res, { responseHeaders: action.responseHeaders });
  });
}

/**
 * The broker's way in, as Knative's activator is for a scaled-to-zero Service:
 * `POST /<function>/…` is held until the function serves, then forwarded. Never exposed publicly.
 */
export function createActivator(functions: ReadonlyMap<string, FunctionProcess>): Server {
  return createServer((req, res) => {
    const [, name = '', ...rest] = (req.url ?? '/').split('/');
    const fn = functions.get(name);
    if (!fn) {
      sendProblem(res, 404, `no function named ${JSON.stringify(name)}`);
      return;
    }
    void forward(fn, req, res, { path: `/${rest.join('/')}` });
  });
}
