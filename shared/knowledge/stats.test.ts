import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryTerms } from './query';
import {
  EVIDENCE_PER_SOURCE,
  EVIDENCE_SOURCES,
  addDocument,
  contributionOf,
  emptyStats,
  mergeStats,
  statsOf,
  topEvidence,
  type CorpusStats,
  type DocumentContribution,
} from './stats';

const query = queryTerms('entropy universe', ['heat death']);

describe('contributionOf', () => {
  it('counts passages, length, df over the query keys only, and the best evidence', () => {
    const contribution = contributionOf(
      [
        { tf: { entropi: 2, gas: 1 }, length: 10, score: 1.5 },
        { tf: { entropi: 1, univers: 1, 'heat death': 1 }, length: 20, score: 3.25 },
        { tf: { gas: 4 }, length: 5, score: 0 },
      ],
      query,
    );
    expect(contribution).toEqual({
      passages: 3,
      totalLength: 35,
      df: { entropi: 2, univers: 1, 'heat death': 1 },
      evidence: [3.25, 1.5],
    });
  });
});

describe('topEvidence', () => {
  it('keeps the best EVIDENCE_PER_SOURCE positive finite scores, highest first', () => {
    const scores = [0, -1, Number.NaN, ...Array.from({ length: 12 }, (_, i) => i + 1)];
    expect(topEvidence(scores)).toEqual([12, 11, 10, 9, 8, 7, 6, 5].slice(0, EVIDENCE_PER_SOURCE));
  });
});

describe('addDocument / statsOf', () => {
  it('sums the counts and lists the sources with evidence, strongest first', () => {
    const stats = statsOf([
      {
        documentId: 'b',
        contribution: { passages: 2, totalLength: 30, df: { entropi: 1 }, evidence: [2] },
      },
      {
        documentId: 'a',
        contribution: {
          passages: 3,
          totalLength: 45,
          df: { entropi: 2, univers: 1 },
          evidence: [4, 1],
        },
      },
      { documentId: 'c', contribution: { passages: 1, totalLength: 5, df: {}, evidence: [] } },
    ]);
    expect(stats).toEqual({
      documents: 3,
      passages: 6,
      totalLength: 80,
      df: { entropi: 3, univers: 1 },
      evidence: [
        { documentId: 'a', scores: [4, 1] },
        { documentId: 'b', scores: [2] },
      ],
    });
  });

  it('keeps evidence for at most EVIDENCE_SOURCES sources, the strongest', () => {
    let stats = emptyStats();
    for (let i = 0; i < EVIDENCE_SOURCES + 5; i++) {
      stats = addDocument(stats, `d${i}`, {
        passages: 1,
        totalLength: 1,
        df: {},
        evidence: [i + 1],
      });
    }
    expect(stats.evidence).toHaveLength(EVIDENCE_SOURCES);
    expect(stats.evidence[0]).toEqual({
      documentId: `d${EVIDENCE_SOURCES + 4}`,
      scores: [EVIDENCE_SOURCES + 5],
    });
    expect(stats.evidence.some((e) => e.documentId === 'd0')).toBe(false);
    expect(stats.documents).toBe(EVIDENCE_SOURCES + 5);
  });
});

const contributionArb: fc.Arbitrary<DocumentContribution> = fc.record({
  passages: fc.nat(50),
  totalLength: fc.nat(2000),
  df: fc.dictionary(fc.constantFrom('entropi', 'univers', 'heat death', 'constructor'), fc.nat(20)),
  evidence: fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { maxLength: 10 }),
});

const documentsArb = fc.uniqueArray(
  fc.record({ documentId: fc.uuid(), contribution: contributionArb }),
  {
    selector: (d) => d.documentId,
    maxLength: 80,
  },
);

/** Statistics compare as data; evidence sorts are deterministic, so order-independent folds agree. */
const normalized = (stats: CorpusStats) => ({
  ...stats,
  df: Object.fromEntries(Object.entries(stats.df).sort(([a], [b]) => a.localeCompare(b))),
});

describe('merging (properties)', () => {
  it('folding documents in any order gives the same statistics', () => {
    fc.assert(
      fc.property(
        documentsArb.chain((docs) =>
          fc.tuple(fc.constant(docs), fc.shuffledSubarray(docs, { minLength: docs.length })),
        ),
        ([docs, shuffled]) => {
          expect(normalized(statsOf(shuffled))).toEqual(normalized(statsOf(docs)));
        },
      ),
    );
  });

  it('mergeStats is associative with emptyStats as identity', () => {
    fc.assert(
      fc.property(documentsArb, fc.nat(), fc.nat(), (docs, i, j) => {
        const [x, y] = [i % (docs.length + 1), j % (docs.length + 1)].sort((p, q) => p - q);
        const a = statsOf(docs.slice(0, x));
        const b = statsOf(docs.slice(x, y));
        const c = statsOf(docs.slice(y));
        expect(normalized(mergeStats(mergeStats(a, b), c))).toEqual(
          normalized(mergeStats(a, mergeStats(b, c))),
        );
        expect(normalized(mergeStats(a, emptyStats()))).toEqual(normalized(a));
        expect(normalized(mergeStats(a, b))).toEqual(normalized(mergeStats(b, a)));
      }),
    );
  });
});
