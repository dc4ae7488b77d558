import { describe, expect, it } from 'vitest';
import { INSUFFICIENT_ANSWER, answerView } from './answer-view';
import { composeAnswer, insufficientAnswer, planAnswer, type AnswerPlan } from './answer';
import { analyzeDocument } from './passages';
import { theQuery } from './query';
import type { Candidate } from './rank';
import { addDocument, emptyStats } from './stats';

const thresholds = { minPassages: 3, minSources: 2, scoreThreshold: 3 };

const ranked = (id: string, documentId: string, text: string) => ({
  _id: id,
  documentId,
  text,
  terms: [],
  tf: {},
  length: 1,
  score: 4,
  relevance: 1,
});

const answered: AnswerPlan = {
  status: 'answered',
  confidence: 0.731,
  sufficiency: { sufficient: true, relevantPassages: 4, relevantSources: 2 },
  passages: [
    ranked('d1:0', 'd1', 'Entropy never decreases in an isolated system.'),
    ranked('d2:3', 'd2', 'Fluctuations reverse it briefly,\n in small systems.'),
    ranked('d1:4', 'd1', 'The universe has no outside.'),
  ],
  documentIds: ['d1', 'd2'],
};

const sources = new Map([
  ['d1', { title: 'Second law', url: 'http://127.0.0.1:8000/pages/second-law.html' }],
  ['d2', { title: 'Fluctuation  theorems\n' }],
]);

describe('composeAnswer', () => {
  it('formats the text: passages cited [n], then the numbered sources', () => {
    expect(composeAnswer(answered, sources).answer).toBe(
      [
        'Entropy never decreases in an isolated system. [1]',
        '',
        'Fluctuations reverse it briefly, in small systems. [2]',
        '',
        'The universe has no outside. [1]',
        '',
        'Sources:',
        '[1] Second law — http://127.0.0.1:8000/pages/second-law.html',
        '[2] Fluctuation theorems',
      ].join('\n'),
    );
  });

  it('formats the JSON fields of the answer view', () => {
    const fields = composeAnswer(answered, sources);
    expect({ ...fields, answer: undefined }).toEqual({
      status: 'answered',
      answer: undefined,
      confidence: 0.731,
      sources: [
        { n: 1, url: 'http://127.0.0.1:8000/pages/second-law.html', title: 'Second law' },
        { n: 2, title: 'Fluctuation theorems' },
      ],
    });
    const view = { ...fields, knowledgeVersion: '7', updatedAt: '2024-01-01T00:00:00.000Z' };
    expect(answerView.parse(view)).toEqual(view);
  });

  it('names a source it cannot look up', () => {
    const fields = composeAnswer(answered, new Map());
    expect(fields.sources).toEqual([
      { n: 1, title: 'Untitled document' },
      { n: 2, title: 'Untitled document' },
    ]);
  });

  it('renders the insufficient answer exactly', () => {
    const plan: AnswerPlan = {
      status: 'insufficient',
      confidence: 0,
      sufficiency: { sufficient: false, relevantPassages: 0, relevantSources: 0 },
    };
    expect(INSUFFICIENT_ANSWER).toBe('INSUFFICIENT DATA FOR MEANINGFUL ANSWER.');
    expect(composeAnswer(plan, sources)).toEqual({
      status: 'insufficient',
      answer: 'INSUFFICIENT DATA FOR MEANINGFUL ANSWER.',
      confidence: 0,
      sources: [],
    });
    expect(insufficientAnswer()).toEqual(composeAnswer(plan, sources));
    expect(
      answerView.parse({ ...insufficientAnswer(), knowledgeVersion: '0', updatedAt: 'x' }).status,
    ).toBe('insufficient');
  });
});

describe('planAnswer', () => {
  const query = theQuery();
  const docs = {
    a: 'The entropy of the universe can be reversed only locally. A refrigerator lowers entropy inside and raises it outside, so the universe gains entropy overall.',
    b: 'Fluctuation theorems show that entropy can run in reverse in small systems. For the universe as a whole the second law of thermodynamics still holds, and entropy keeps growing.',
    c: 'Nobody knows how to reverse the entropy of the universe. The heat death of the universe is where the growth of entropy ends.',
    d: 'Reverse the car out of the garage slowly. The weather in the garden was warm.',
  };
  function learn(ids: (keyof typeof docs)[]) {
    let stats = emptyStats();
    const candidates: Candidate[] = [];
    for (const id of ids) {
      const { passages, contribution } = analyzeDocument(docs[id], { query });
      stats = addDocument(stats, id, contribution);
      candidates.push(...passages.map((p) => ({ ...p, _id: `${id}:${p.index}`, documentId: id })));
    }
    return { stats, candidates };
  }

  it('is insufficient with a single source', () => {
    const plan = planAnswer({ ...learn(['a']), query, thresholds });
    expect(plan.status).toBe('insufficient');
    expect(plan.confidence).toBe(0);
  });

  it('answers from relevant passages of several sources, citing each source once in order', () => {
    const plan = planAnswer({ ...learn(['a', 'b', 'c', 'd']), query, thresholds });
    expect(plan.status).toBe('answered');
    if (plan.status !== 'answered') return;
    expect(plan.passages.length).toBeGreaterThanOrEqual(3);
    expect(plan.passages.every((p) => p.score >= thresholds.scoreThreshold)).toBe(true);
    expect(plan.passages.some((p) => p.text.includes('weather'))).toBe(false);
    expect([...plan.documentIds].sort()).toEqual(['a', 'b', 'c']);
    expect(plan.documentIds).toEqual([...new Set(plan.passages.map((p) => p.documentId))]);
    expect(plan.confidence).toBeGreaterThan(0);
  });

  it('stays insufficient when the caller passes no candidates', () => {
    const { stats } = learn(['a', 'b', 'c']);
    expect(planAnswer({ stats, candidates: [], query, thresholds }).status).toBe('insufficient');
  });
});
