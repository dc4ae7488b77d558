import type { Api } from './api';
import { renderAnswer, type AnswerParts } from './answer-view';
import { fill, type Make } from './dom';
import { explain } from './explain';
import { poll } from './poller';

/** A conditional GET answered 304 costs a cache read: cheap enough to ask every few seconds. */
const ANSWER_POLL_MS = 3000;

export interface AnswerPanel {
  element: HTMLElement;
  /** Ask now (a job just ended). */
  refresh(): void;
}

/**
 * The current answer (`GET /multivac` as JSON), followed without a reload: polled with
 * If-None-Match, re-rendered only when the ETag changes, and a new answer announced politely.
 */
export function answerPanel(
  make: Make,
  doc: Document,
  api: Api,
  announce: (message: string) => void,
): AnswerPanel {
  const parts: AnswerParts = {
    status: make('span', { id: 'answer-status', class: 'badge' }, 'Loading…'),
    confidence: make('meter', { id: 'confidence', min: '0', max: '1', value: '0' }),
    confidenceText: make('span', { id: 'confidence-text' }),
    version: make('p', { id: 'answer-version', class: 'version' }),
    text: make('div', { id: 'answer-text', class: 'answer-text' }),
    citedHeading: make('h3', { id: 'cited-heading', hidden: true }, 'Cited sources'),
    cited: make('ol', { id: 'cited', class: 'cited', 'aria-labelledby': 'cited-heading' }),
  };
  const error = make('p', { class: 'error', role: 'status' });
  const element = make(
    'section',
    { id: 'answer', class: 'panel answer', 'aria-labelledby': 'answer-heading' },
    make('h2', { id: 'answer-heading' }, 'Answer'),
    make(
      'div',
      { class: 'answer-meta' },
      parts.status,
      make(
        'span',
        { class: 'confidence' },
        make('label', { for: 'confidence' }, 'Confidence'),
        parts.confidence,
        parts.confidenceText,
      ),
    ),
    parts.version,
    error,
    parts.text,
    parts.citedHeading,
    parts.cited,
  );

  let etag: string | undefined;
  let version: string | undefined;
  const poller = poll(
    doc,
    async () => {
      try {
        const result = await api.answer(etag);
        fill(error);
        if (result === 'unchanged') return;
        etag = result.etag;
        renderAnswer(make, parts, result.answer);
        element.dataset.version = result.answer.knowledgeVersion;
        if (version !== undefined && version !== result.answer.knowledgeVersion)
          announce(
            result.answer.status === 'answered'
              ? `New answer, confidence ${Math.round(result.answer.confidence * 100)}%.`
              : 'The answer changed: still insufficient data.',
          );
        version = result.answer.knowledgeVersion;
      } catch (err) {
        fill(error, `The answer is unavailable: ${explain(err)} Retrying.`);
      }
    },
    () => ANSWER_POLL_MS,
  );
  return { element, refresh: () => poller.now() };
}
