import { negotiate, type Route } from '../../shared/http/index';
import type { AnswerView } from '../../shared/knowledge/answer-view';
import { matchesIfNoneMatch } from './etag';
import type { ServedAnswer } from './served-answer';
import { openApiRoute } from './openapi';

export interface QuestionDeps {
  currentAnswer(): Promise<ServedAnswer>;
  /** Observes the confidence of the answer being served. */
  onServed?(answer: AnswerView): void;
}

export const WELCOME = 'Welcome to MultiVAC!';

/** `GET /`, `GET /multivac` and `GET /multivac/openapi.json`. */
export function questionRoutes({ currentAnswer, onServed }: QuestionDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/',
      handler({ res }) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(WELCOME);
      },
    },
    {
      method: 'GET',
      path: '/multivac',
      async handler({ req, res }) {
        const answer = await currentAnswer();
        onServed?.(answer.view);
        const json = negotiate(req, ['text/plain', 'application/json']) === 'application/json';
        const { body, bytes, etag } = json ? answer.json : answer.text;
        const headers = { etag, vary: 'Accept', 'cache-control': 'no-cache' };
        if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
          res.writeHead(304, headers).end();
          return;
        }
        res.writeHead(200, {
          ...headers,
          'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
          'content-length': bytes,
        });
        res.end(body);
      },
    },
    openApiRoute,
  ];
}
