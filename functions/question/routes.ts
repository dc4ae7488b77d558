import type { AnswerView } from '../../shared/knowledge/answer-view';
import { negotiate, type Route } from '../../shared/http/index';
import { etagFor, matchesIfNoneMatch } from './etag';
import { openApiRoute } from './openapi';

export interface QuestionDeps {
  currentAnswer(): Promise<AnswerView>;
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
        onServed?.(answer);
        const json = negotiate(req, ['text/plain', 'application/json']) === 'application/json';
        const etag = etagFor(answer.knowledgeVersion, json ? 'json' : 'text');
        const headers = { etag, vary: 'Accept', 'cache-control': 'no-cache' };
        if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
          res.writeHead(304, headers).end();
          return;
        }
        const body = json ? JSON.stringify(answer) : answer.answer;
        res.writeHead(200, {
          ...headers,
          'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
    },
    openApiRoute,
  ];
}
