import type { AnswerView } from '../../shared/knowledge/answer-view';
import { etagFor } from './etag';

/** One representation of the answer, ready to send. */
export interface Representation {
  readonly body: string;
  readonly bytes: number;
  readonly etag: string;
}

/** The current answer with both of its representations prepared once, not per request. */
export interface ServedAnswer {
  readonly view: AnswerView;
  readonly text: Representation;
  readonly json: Representation;
}

const representation = (body: string, etag: string): Representation => ({
  body,
  bytes: Buffer.byteLength(body),
  etag,
});

export function servedAnswer(view: AnswerView): ServedAnswer {
  return {
    view,
    text: representation(view.answer, etagFor(view.knowledgeVersion, 'text')),
    json: representation(JSON.stringify(view), etagFor(view.knowledgeVersion, 'json')),
  };
}
