import { describe, expect, it } from 'vitest';
import {
  BM25,
  NOMINAL_PASSAGE_LENGTH,
  bm25Score,
  coordination,
  evidenceScore,
  frequency,
  idf,
  saturation,
} from './bm25';
import { queryTerms } from './query';

// Expected values below are computed by hand from the formulas with k1 = 1.2, b = 0.75:
//   idf(df, N)      = ln(1 + (N - df + 0.5) / (df + 0.5))
//   saturation(tf)  = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / avgLength))

describe('BM25 parameters', () => {
  it('are the documented k1 = 1.2, b = 0.75', () => {
    expect(BM25).toEqual({ k1: 1.2, b: 0.75 });
  });
});

describe('idf', () => {
  it.each([
    // ln(1 + 3.5/1.5) = ln(3.3333…)
    [1, 4, 1.2039728043259361],
    // ln(1 + 2.5/2.5) = ln 2
    [2, 4, 0.6931471805599453],
    // present everywhere: ln(1 + 0.5/4.5) = ln(1.1111…), small but positive
    [4, 4, 0.10536051565782635],
    // df above N is clamped to N
    [9, 4, 0.10536051565782635],
    // absent: ln(1 + 4.5/0.5) = ln 10
    [0, 4, 2.302585092994046],
  ])('df=%d N=%d → %f', (df, n, expected) => {
    expect(idf(df, n)).toBeCloseTo(expected, 12);
  });
});

describe('saturation', () => {
  it.each([
    // average length: norm = 1 → tf * 2.2 / (tf + 1.2)
    [1, 10, 10, 1],
    [2, 10, 10, 4.4 / 3.2],
    // twice the average length: norm = 0.25 + 1.5 = 1.75 → 2.2 / (1 + 2.1)
    [1, 20, 10, 2.2 / 3.1],
    [2, 20, 10, 4.4 / 4.1],
    // half the average: norm = 0.625 → 2.2 / (1 + 0.75)
    [1, 5, 10, 2.2 / 1.75],
    [0, 10, 10, 0],
  ])('tf=%d length=%d avg=%d → %f', (tf, length, avg, expected) => {
    expect(saturation(tf, length, avg)).toBeCloseTo(expected, 12);
  });

  it('never exceeds k1 + 1 however often a term repeats', () => {
    expect(saturation(1e9, 1, 10)).toBeLessThan(BM25.k1 + 1);
    expect(saturation(1e9, 1, 10)).toBeGreaterThan(2.19);
  });
});

describe('bm25Score', () => {
  const query = queryTerms('entropy universe', []);
  const stats = { passages: 4, totalLength: 40, df: { entropi: 1, univers: 2 } };

  it.each([
    // 1.2039728 * 1.375 + 0.6931472 * 1
    [
      'average length',
      { tf: { entropi: 2, univers: 1, other: 5 }, length: 10 },
      2.3486097865081073,
    ],
    // 1.2039728 * (4.4 / 4.1) + 0.6931472 * (2.2 / 3.1)
    ['twice as long', { tf: { entropi: 2, univers: 1 }, length: 20 }, 1.7839792777070402],
    // only the rarer term
    ['entropy only', { tf: { entropi: 1 }, length: 10 }, 1.2039728043259361],
    ['no query term', { tf: { other: 3 }, length: 10 }, 0],
  ])('%s', (_name, passage, expected) => {
    expect(bm25Score(passage, stats, query)).toBeCloseTo(expected, 10);
  });

  it('multiplies each term by its query weight', () => {
    const weighted = queryTerms('entropy', ['universe']); // univers at weight 0.5
    const passage = { tf: { entropi: 2, univers: 1 }, length: 10 };
    // 1.2039728 * 1.375 + 0.5 * 0.6931472 * 1 = 1.6554626 + 0.3465736
    expect(bm25Score(passage, stats, weighted)).toBeCloseTo(2.0020362, 6);
  });

  it('treats a term missing from the statistics as seen once, and empty statistics as one passage', () => {
    const passage = { tf: { entropi: 1 }, length: 10 };
    const empty = { passages: 0, totalLength: 0, df: {} };
    // N = 1, df = 1: ln(1 + 0.5/1.5); the passage is its own average
    expect(bm25Score(passage, empty, query)).toBeCloseTo(Math.log(1 + 0.5 / 1.5), 12);
  });
});

describe('evidenceScore', () => {
  const query = queryTerms('How can the entropy of the universe be reversed?', ['second law']);

  it.each([
    // each question term once at the nominal length: 3 × 1.0
    ['the three question words once', { entropi: 1, univers: 1, revers: 1 }, 33, 3],
    // twice the nominal length: 3 × 2.2/3.1
    ['the same, twice as long', { entropi: 1, univers: 1, revers: 1 }, 66, (3 * 2.2) / 3.1],
    // expansion phrase weighs 0.5
    ['one expansion phrase', { 'second law': 1, second: 1, law: 1 }, 33, 0.5],
    // 6.6/4.2 + 0.5 × 1
    ['entropy three times and the phrase', { entropi: 3, 'second law': 1 }, 33, 2.071428571428571],
    ['no query term', { heat: 4 }, 33, 0],
  ])('%s', (_name, tf, length, expected) => {
    expect(evidenceScore({ tf, length }, query)).toBeCloseTo(expected, 12);
  });

  it('uses the nominal passage length, not corpus statistics', () => {
    expect(NOMINAL_PASSAGE_LENGTH).toBe(33);
  });
});

describe('coordination', () => {
  const query = queryTerms('entropy universe reversed', ['Jarzynski']);
  it.each([
    [{ entropi: 1, univers: 2, revers: 1 }, 1],
    [{ entropi: 1, jarzynski: 4 }, 1 / 3],
    [{ jarzynski: 4 }, 0],
  ])('%o → %f', (tf, expected) => {
    expect(coordination({ tf, length: 10 }, query)).toBeCloseTo(expected, 12);
  });

  it('is 1 for a query without question terms', () => {
    expect(coordination({ tf: {}, length: 1 }, queryTerms('', ['Jarzynski']))).toBe(1);
  });
});

describe('frequency', () => {
  it('reads own properties only', () => {
    expect(frequency({}, 'constructor')).toBe(0);
    expect(frequency({}, 'toString')).toBe(0);
    expect(frequency({ constructor: 2 }, 'constructor')).toBe(2);
  });
});
