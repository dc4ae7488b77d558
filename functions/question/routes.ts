import type { IncomingMessage, ServerResponse } from 'node:http';
import { negotiate, type Route } from '../../shared/http/index';
import { matchesIfNoneMatch } from './etag';
import type { ServedAnswer } from './served-answer';
import { openApiRoute } from './openapi';

export interface QuestionDeps {
  /** The answer to serve: at once when this process holds a fresh one, else once it is read. */
  currentAnswer(): ServedAnswer | Promise<ServedAnswer>;
}

export const WELCOME = 'Welcome to MultiVAC!';
// With its length, Node sends headers and body in one write instead of a chunked body.
const WELCOME_HEADERS = [
  'content-type',
  'text/plain; charset=utf-8',
  'content-length',
  String(Buffer.byteLength(WELCOME)),
];

/** `GET /`, `GET /multivac` and `GET /multivac/openapi.json`. */
export function questionRoutes({ currentAnswer }: QuestionDeps): Route[] {
  // Per request only the choice of representation and the validator check: the headers and
  // bodies are prepared once per answer (served-answer.ts).
  const send = (req: IncomingMessage, res: ServerResponse, answer: ServedAnswer) => {
    const json = negotiate(req, ['text/plain', 'application/json']) === 'application/json';
    const representation = json ? answer.json : answer.text;
    if (matchesIfNoneMatch(req.headers['if-none-match'], representation.etag)) {
      res.writeHead(304, representation.notModified as string[]).end();
      return;
    }
    res.writeHead(200, representation.ok as string[]).end(representation.body);
  };
  return [
    {
      method: 'GET',
      path: '/',
      handler({ res }) {
        res.writeHead(200, WELCOME_HEADERS).end(WELCOME);
      },
    },
    {
      method: 'GET',
      path: '/multivac',
      // Synchronous while the answer is in memory: no promise on the hot path (createRouter).
      handler({ req, res }) {
        const answer = currentAnswer();
        if (answer instanceof Promise) return answer.then((a) => send(req, res, a));
        send(req, res, answer);
      },
    },
    openApiRoute,
  ];
}
