/**
 * The views rendered into a real DOM (linkedom): whatever the server sends — source titles,
 * reasons, URLs — ends up as text, and only http(s) URLs become links.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { Answer, Source } from './api';
import { renderAnswer, type AnswerParts } from './answer-view';
import { maker } from './dom';
import { renderSources, summarize } from './sources-view';

const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

function page() {
  const { document } = parseHTML(
    '<!doctype html><html><body><main id="main"></main></body></html>',
  );
  const doc = document as unknown as Document;
  return { doc, make: maker(doc) };
}

describe('renderAnswer', () => {
  const answer: Answer = {
    status: 'answered',
    answer: `Entropy falls locally [1]\n\n${HOSTILE} [2] and [9]\n\nSources:\n[1] A\n[2] B`,
    confidence: 0.734,
    sources: [
      { n: 1, url: 'http://a.test/one', title: 'One' },
      { n: 2, url: 'javascript:alert(3)', title: HOSTILE },
    ],
    knowledgeVersion: '4',
    updatedAt: '2026-11-30T12:00:00.000Z',
  };

  function rendered() {
    const { doc, make } = page();
    const parts: AnswerParts = {
      status: make('span'),
      confidence: make('meter'),
      confidenceText: make('span'),
      version: make('p'),
      text: make('div'),
      citedHeading: make('h3'),
      cited: make('ol'),
    };
    doc.getElementById('main')!.append(...Object.values(parts));
    renderAnswer(make, parts, answer);
    return { doc, parts };
  }

  it('links each citation [n] to its source and lists the cited sources by number', () => {
    const { parts } = rendered();
    const citations = [...parts.text.querySelectorAll('a.citation')];
    expect(citations.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['[1]', 'http://a.test/one'],
      ['[2]', '#cited-2'],
    ]);
    expect(citations[0]!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(parts.text.querySelectorAll('p')).toHaveLength(2);
    expect(parts.text.textContent).toContain('[9]');
    expect(parts.text.textContent).not.toContain('Sources:');
    expect([...parts.cited.querySelectorAll('li')].map((li) => li.getAttribute('value'))).toEqual([
      '1',
      '2',
    ]);
    expect(parts.confidenceText.textContent).toBe('73%');
    expect(parts.status.textContent).toBe('Answered');
    expect(parts.version.textContent).toMatch(/^Knowledge version 4, updated /);
  });

  it('shows hostile text as text: no element, no script, no javascript: link', () => {
    const { doc, parts } = rendered();
    expect(doc.querySelectorAll('img, script')).toHaveLength(0);
    expect(parts.text.textContent).toContain(HOSTILE);
    expect(parts.cited.textContent).toContain(HOSTILE);
    for (const a of doc.querySelectorAll('a'))
      expect(a.getAttribute('href')).not.toMatch(/^javascript:/i);
  });
});

describe('renderSources', () => {
  const sources: Source[] = [
    { id: 's1', url: 'http://a.test/one', kind: 'url', state: 'acquired', title: 'One' },
    {
      id: 's2',
      url: 'http://b.test/missing',
      kind: 'url',
      state: 'failed',
      reason: `HTTP 404 ${HOSTILE}`,
    },
    { id: 's3', url: 'javascript:alert(1)', kind: 'url', state: 'requested', title: HOSTILE },
    { id: 's4', url: 'text:abc', kind: 'text', state: 'acquired', title: 'Pasted notes' },
  ];

  it('shows each source with its state and reason, all as text', () => {
    const { doc, make } = page();
    const list = make('ul');
    doc.getElementById('main')!.append(list);
    renderSources(make, list, sources);
    const items = [...list.querySelectorAll('li')];
    expect(items.map((li) => li.getAttribute('data-state'))).toEqual([
      'acquired',
      'failed',
      'requested',
      'acquired',
    ]);
    expect(items[1]!.querySelector('.reason')!.textContent).toBe(`HTTP 404 ${HOSTILE}`);
    expect(items[2]!.textContent).toContain(HOSTILE);
    expect(doc.querySelectorAll('img, script')).toHaveLength(0);
    expect([...list.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'http://a.test/one',
      'http://b.test/missing',
    ]);
  });

  it('summarizes by state in pipeline order', () => {
    expect(summarize(sources)).toBe('4 shown: 1 requested, 2 acquired, 1 failed.');
    expect(summarize([])).toMatch(/^No sources yet/);
  });
});
