import type { AnswerView } from '../../shared/knowledge/answer-view';
import { etagFor } from './etag';

/** One representation of the answer, ready to send: its body and both answers' headers. */
export interface Representation {
  readonly body: string;
  readonly bytes: number;
  readonly etag: string;
  /** `200`'s headers as Node takes them fastest: a flat name, value, name, value… list. */
  readonly ok: readonly string[];
  /** `304`'s headers (no body, no content headers). */
  readonly notModified: readonly string[];
}

/** The current answer with both of its representations prepared once, not per request. */
export interface ServedAnswer {
  readonly view: AnswerView;
  readonly text: Representation;
  readonly json: Representation;
}

const representation = (body: string, etag: string, type: string): Representation => {
  const bytes = Buffer.byteLength(body);
  const validators = ['etag', etag, 'vary', 'Accept', 'cache-control', 'no-cache'];
  return {
    body,
    bytes,
    etag,
    ok: [...validators, 'content-type', type, 'content-length', String(bytes)],
    notModified: validators,
  };
};

export function servedAnswer(view: AnswerView): ServedAnswer {
  return {
    view,
    text: representation(
      view.answer,
      etagFor(view.knowledgeVersion, 'text'),
      'text/plain; charset=utf-8',
    ),
    json: representation(
      JSON.stringify(view),
      etagFor(view.knowledgeVersion, 'json'),
      'application/json',
    ),
  };
}
