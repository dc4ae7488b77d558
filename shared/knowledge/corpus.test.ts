/**
 * The engine over the test corpus (test/corpus): the thresholds' justification, "irrelevant pages
 * never answer", "only relevant pages are cited", and "confidence never drops" with real sources.
 * The corpus text comes from the same files the corpus server sends (test/corpus/text.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { learnConfig } from '../config/learn';
import { isGeneratedRelevant, generatedText } from '../../test/corpus/generated';
import { CORPUS } from '../../test/corpus/manifest';
import { encodePage, readSource } from '../../test/corpus/source';
import { corpusText } from '../../test/corpus/text';
import { planAnswer, type AnswerPlan } from './answer';
import { BM25 } from './bm25';
import { CONFIDENCE } from './confidence';
import { jaccard, MMR } from './mmr';
import { analyzeDocument, type AnalyzedPassage } from './passages';
import { theQuery } from './query';
import { CANDIDATE_LIMIT, type Candidate } from './rank';
import { addDocument, emptyStats, type CorpusStats } from './stats';
import type { Thresholds } from './sufficiency';

/** The defaults of the learn configuration, read from its schema (one source of truth). */
const DEFAULTS: Thresholds = {
  minPassages: learnConfig.shape.MULTIVAC_MIN_PASSAGES.parse(undefined),
  minSources: learnConfig.shape.MULTIVAC_MIN_SOURCES.parse(undefined),
  scoreThreshold: learnConfig.shape.MULTIVAC_SCORE_THRESHOLD.parse(undefined),
};

const query = theQuery();

interface Learned {
  readonly id: string;
  readonly relevant: boolean;
  readonly title: string;
  readonly passages: readonly AnalyzedPassage[];
  readonly contribution: ReturnType<typeof analyzeDocument>['contribution'];
}

/** Every corpus page analysed once, as `learn` would store it. */
const DOCS: readonly Learned[] = corpusText().map((page) => {
  const { passages, contribution } = analyzeDocument(page.text, { title: page.title, query });
  return { id: page.file, relevant: page.relevant, title: page.title, passages, contribution };
});
const RELEVANT = DOCS.filter((d) => d.relevant);
const IRRELEVANT = DOCS.filter((d) => !d.relevant);

/** What `learn` does at the end of a job: fold statistics, read the top candidates, plan. */
function answerOver(docs: readonly Learned[], thresholds = DEFAULTS): AnswerPlan {
  let stats: CorpusStats = emptyStats();
  const candidates: Candidate[] = [];
  for (const doc of docs) {
    stats = addDocument(stats, doc.id, doc.contribution);
    for (const p of doc.passages)
      candidates.push({ ...p, _id: `${doc.id}:${p.index}`, documentId: doc.id });
  }
  candidates.sort((a, b) => b.score - a.score);
  return planAnswer({ candidates: candidates.slice(0, CANDIDATE_LIMIT), stats, query, thresholds });
}

const best = (doc: Learned) => Math.max(0, ...doc.passages.map((p) => p.score));
const relevantCount = (doc: Learned, threshold = DEFAULTS.scoreThreshold) =>
  doc.passages.filter((p) => p.score >= threshold).length;

describe('the test corpus', () => {
  it('has at least 13 relevant and 13 irrelevant pages, HTML and plain text', () => {
    expect(CORPUS.filter((e) => e.relevant).length).toBeGreaterThanOrEqual(13);
    expect(CORPUS.filter((e) => !e.relevant).length).toBeGreaterThanOrEqual(13);
    expect(CORPUS.filter((e) => e.file.endsWith('.txt')).length).toBeGreaterThanOrEqual(3);
    expect(new Set(CORPUS.map((e) => e.file)).size).toBe(CORPUS.length);
  });

  it('covers every charset and both declaration places', () => {
    const charsets = new Set(CORPUS.map((e) => e.charset));
    for (const c of ['UTF-8', 'windows-1252', 'ISO-8859-1'] as const) expect(charsets).toContain(c);
    expect(charsets.has('Shift_JIS') || charsets.has('EUC-JP')).toBe(true);
    const declared = new Set(CORPUS.map((e) => e.declared));
    for (const d of ['header', 'meta', 'bom'] as const) expect(declared).toContain(d);
    expect(CORPUS.some((e) => e.charset === 'UTF-8' && e.bom === true)).toBe(true);
    expect(CORPUS.some((e) => e.charset === 'UTF-8' && e.bom !== true)).toBe(true);
  });

  it.each(CORPUS.map((e) => [e.file, e] as const))(
    '%s encodes losslessly and declares its charset where the manifest says',
    (_file, entry) => {
      expect(() => encodePage(entry)).not.toThrow();
      const source = readSource(entry);
      const meta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(source)?.[1];
      const inMeta = entry.declared === 'meta' || entry.declared === 'both';
      if (entry.file.endsWith('.html') && inMeta)
        expect(meta?.toLowerCase()).toBe(entry.charset.toLowerCase());
      else expect(meta).toBeUndefined();
      if (entry.declared === 'bom') expect(entry.bom).toBe(true);
    },
  );

  it.each(corpusText().map((t) => [t.file, t] as const))(
    '%s has article text without boilerplate',
    (_file, page) => {
      const paragraphs = page.text.split('\n\n');
      expect(paragraphs.length).toBeGreaterThanOrEqual(3);
      if (page.relevant) expect(page.text.length).toBeGreaterThanOrEqual(1500);
      expect(page.text).not.toMatch(/Advertisement|Sponsored|cookies|Subscribe|Leave a Reply|©/);
    },
  );
});

describe('default thresholds over the corpus', () => {
  it('are 3 passages, 2 sources, score 3', () => {
    expect(DEFAULTS).toEqual({ minPassages: 3, minSources: 2, scoreThreshold: 3 });
  });

  it('score threshold: above what any single word can reach, so one repeated word is never evidence', () => {
    // BM25 saturation is bounded by k1 + 1 for any tf: a question word alone stays below 2.2.
    expect(DEFAULTS.scoreThreshold).toBeGreaterThan(BM25.k1 + 1);
    const repeated = analyzeDocument('Reverse, reverse, reverse! '.repeat(40), { query });
    expect(Math.max(...repeated.passages.map((p) => p.score))).toBeLessThan(
      DEFAULTS.scoreThreshold,
    );
  });

  it('score threshold: no passage of any irrelevant page reaches it, with a margin', () => {
    const worst = Math.max(...IRRELEVANT.map(best));
    expect(worst).toBeLessThan(DEFAULTS.scoreThreshold - 0.5);
    // The everyday "reverse", "heat", "order" and "energy" pages are what sets this bound.
    expect(worst).toBeGreaterThan(2);
  });

  it('score threshold: every relevant page has a relevant passage, and all but at most one have two', () => {
    const counts = RELEVANT.map((d) => relevantCount(d));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(counts.filter((c) => c < 2).length).toBeLessThanOrEqual(1);
  });

  it('the placeholder threshold of 1 would let the irrelevant pages alone answer', () => {
    const loose = { ...DEFAULTS, scoreThreshold: 1 };
    expect(answerOver(IRRELEVANT, loose).status).toBe('answered');
    expect(answerOver(IRRELEVANT, DEFAULTS).status).toBe('insufficient');
  });

  it('all irrelevant pages together: insufficient, confidence 0, not one relevant passage', () => {
    const plan = answerOver(IRRELEVANT);
    expect(plan).toMatchObject({ status: 'insufficient', confidence: 0 });
    expect(plan.sufficiency.relevantPassages).toBe(0);
  });

  it.each(RELEVANT.map((d) => [d.id, d] as const))(
    'min sources: %s alone is insufficient',
    (_id, doc) => {
      expect(answerOver([doc, ...IRRELEVANT]).status).toBe('insufficient');
    },
  );

  it('any two relevant pages suffice, with at least min-passages passages, citing only them', () => {
    for (const [i, a] of RELEVANT.entries()) {
      for (const b of RELEVANT.slice(i + 1)) {
        const plan = answerOver([a, ...IRRELEVANT, b]);
        expect(plan.status, `${a.id} + ${b.id}`).toBe('answered');
        if (plan.status !== 'answered') continue;
        expect(plan.passages.length).toBeGreaterThanOrEqual(DEFAULTS.minPassages);
        expect(plan.passages.length).toBeLessThanOrEqual(MMR.maxPassages);
        expect(new Set(plan.documentIds)).toEqual(new Set([a.id, b.id]));
      }
    }
  });
});

describe('answering over the whole corpus', () => {
  const plan = answerOver(DOCS);

  it('answers with 5 passages from at least 4 relevant sources, at the confidence cap', () => {
    expect(plan.status).toBe('answered');
    if (plan.status !== 'answered') return;
    expect(plan.passages).toHaveLength(MMR.maxPassages);
    expect(plan.documentIds.length).toBeGreaterThanOrEqual(4);
    expect(plan.confidence).toBe(CONFIDENCE.cap);
    expect(plan.sufficiency.relevantSources).toBe(RELEVANT.length);
  });

  it('cites only relevant pages and shows no near-duplicates', () => {
    if (plan.status !== 'answered') throw new Error('expected an answer');
    const relevantIds = new Set(RELEVANT.map((d) => d.id));
    for (const id of plan.documentIds) expect(relevantIds).toContain(id);
    for (const [i, p] of plan.passages.entries()) {
      for (const q of plan.passages.slice(i + 1)) {
        expect(jaccard(p.terms, q.terms)).toBeLessThan(MMR.duplicateJaccard);
      }
    }
  });

  it('leads with passages that speak to the question itself', () => {
    if (plan.status !== 'answered') throw new Error('expected an answer');
    const first = plan.passages[0];
    for (const key of ['entropi', 'univers', 'revers'])
      expect(Object.hasOwn(first?.tf ?? {}, key)).toBe(true);
  });

  it('is the same whatever order the documents were learned in', () => {
    expect(answerOver([...DOCS].reverse())).toEqual(plan);
  });
});

describe('adding sources (properties over the real corpus)', () => {
  const sequence = fc.shuffledSubarray([...DOCS], { minLength: 1 });

  it('confidence never drops and an answer never reverts to insufficient as pages are added', () => {
    fc.assert(
      fc.property(sequence, (docs) => {
        let previous = answerOver([]);
        for (let i = 1; i <= docs.length; i++) {
          const next = answerOver(docs.slice(0, i));
          expect(next.confidence).toBeGreaterThanOrEqual(previous.confidence);
          if (previous.status === 'answered') expect(next.status).toBe('answered');
          previous = next;
        }
      }),
      { numRuns: 40 },
    );
  });

  it('any mix of pages answers only with relevant pages, and only when two are present', () => {
    fc.assert(
      fc.property(sequence, (docs) => {
        const plan = answerOver(docs);
        const relevant = docs.filter((d) => d.relevant).length;
        if (relevant < 2) expect(plan.status).toBe('insufficient');
        else expect(plan.status).toBe('answered');
        if (plan.status === 'answered') {
          const byId = new Map(docs.map((d) => [d.id, d]));
          for (const id of plan.documentIds) expect(byId.get(id)?.relevant).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('generated benchmark pages', () => {
  it.each(Array.from({ length: 30 }, (_, n) => [n]))(
    'page %i is relevant exactly when n is a multiple of 3',
    (n) => {
      const page = generatedText(n);
      expect(page.relevant).toBe(isGeneratedRelevant(n));
      const { passages } = analyzeDocument(page.text, { title: page.title, query });
      const relevantPassages = passages.filter((p) => p.score >= DEFAULTS.scoreThreshold).length;
      if (page.relevant) expect(relevantPassages).toBeGreaterThanOrEqual(DEFAULTS.minPassages);
      else expect(relevantPassages).toBe(0);
    },
  );
});
