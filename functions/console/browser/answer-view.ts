import type { Answer, CitedSource } from './api';
import { answerParagraphs } from './citations';
import { fill, type Make } from './dom';
import { linkTarget } from './safe-url';

/** The parts of the answer section that change with each answer. */
export interface AnswerParts {
  status: HTMLElement;
  confidence: HTMLMeterElement;
  confidenceText: HTMLElement;
  version: HTMLElement;
  text: HTMLElement;
  citedHeading: HTMLElement;
  cited: HTMLOListElement;
}

const titleOf = (source: CitedSource) => source.title.trim() || 'Untitled document';

/** A citation `[n]`: a link to the source's page, or to its entry in the list when it has none. */
function citation(make: Make, source: CitedSource): HTMLAnchorElement {
  const href = linkTarget(source.url);
  return make(
    'a',
    {
      class: 'citation',
      href: href ?? `#cited-${source.n}`,
      'aria-label': `source ${source.n}: ${titleOf(source)}`,
      title: titleOf(source),
      ...(href ? { rel: 'noopener noreferrer', target: '_blank' } : {}),
    },
    `[${source.n}]`,
  );
}

function citedItem(make: Make, source: CitedSource): HTMLLIElement {
  const href = linkTarget(source.url);
  return make(
    'li',
    { id: `cited-${source.n}`, value: String(source.n) },
    href
      ? make('a', { href, rel: 'noopener noreferrer', target: '_blank' }, titleOf(source))
      : make('span', {}, titleOf(source)),
    source.url ? make('span', { class: 'url' }, source.url) : null,
  );
}

/** Shows `answer`: status, confidence, paragraphs with their citations, the cited sources. */
export function renderAnswer(make: Make, parts: AnswerParts, answer: Answer): void {
  const answered = answer.status === 'answered';
  parts.status.dataset.status = answer.status;
  fill(parts.status, answered ? 'Answered' : 'Insufficient data');
  parts.confidence.value = answer.confidence;
  const percent = `${Math.round(answer.confidence * 100)}%`;
  parts.confidence.setAttribute('aria-valuetext', percent);
  fill(parts.confidenceText, percent);

  const updated = answer.updatedAt ? new Date(answer.updatedAt) : undefined;
  const knownDate = updated && !Number.isNaN(updated.getTime()) && updated.getTime() > 0;
  fill(
    parts.version,
    `Knowledge version ${answer.knowledgeVersion || '0'}`,
    knownDate ? ', updated ' : '',
    knownDate ? make('time', { datetime: updated.toISOString() }, updated.toLocaleString()) : null,
  );

  const byNumber = new Map(answer.sources.map((s) => [s.n, s]));
  const paragraphs = answerParagraphs(answer.answer, new Set(byNumber.keys()));
  parts.text.classList.toggle('insufficient', !answered);
  fill(
    parts.text,
    ...paragraphs.map((segments) =>
      make(
        'p',
        {},
        ...segments.map((segment) =>
          segment.kind === 'text'
            ? segment.text
            : make('sup', {}, citation(make, byNumber.get(segment.n)!)),
        ),
      ),
    ),
  );
  parts.citedHeading.hidden = answer.sources.length === 0;
  fill(parts.cited, ...answer.sources.map((source) => citedItem(make, source)));
}
