import { describe, expect, it } from 'vitest';
import { MMR, jaccard, selectPassages } from './mmr';
import type { RankedPassage } from './rank';

describe('jaccard', () => {
  it.each([
    [['a', 'b'], ['a', 'b'], 1],
    [['a', 'b'], ['b', 'c'], 1 / 3],
    [['a'], ['b'], 0],
    [[], [], 0],
    [['a', 'a', 'b'], ['a'], 1 / 2],
  ])('%o vs %o → %f', (a, b, expected) => {
    expect(jaccard(a, b)).toBeCloseTo(expected, 12);
  });
});

const passage = (
  id: string,
  documentId: string,
  terms: string[],
  relevance: number,
): RankedPassage => ({
  _id: id,
  documentId,
  text: `${id}: ${terms.join(' ')}`,
  terms,
  tf: Object.fromEntries(terms.map((t) => [t, 1])),
  length: terms.length,
  score: relevance,
  relevance,
});

const topic = (prefix: string, n = 8) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('selectPassages', () => {
  it('drops a near-duplicate even when it is the second most relevant passage', () => {
    const original = passage('a:0', 'a', [...topic('x'), 'entropi'], 10);
    // a copy of the same paragraph with one word changed, on another site
    const copy = passage('b:0', 'b', [...topic('x'), 'univers'], 9.9);
    const others = [passage('c:0', 'c', topic('y'), 6), passage('d:0', 'd', topic('z'), 5)];
    expect(jaccard(original.terms, copy.terms)).toBeGreaterThanOrEqual(MMR.duplicateJaccard);
    const ids = selectPassages([original, copy, ...others]).map((p) => p._id);
    expect(ids).toEqual(['a:0', 'c:0', 'd:0']);
  });

  it('drops an exact duplicate text even with disjoint term lists', () => {
    const a = passage('a:0', 'a', topic('x'), 10);
    const b = { ...passage('b:0', 'b', topic('q'), 9), text: a.text };
    const c = passage('c:0', 'c', topic('y'), 8);
    expect(selectPassages([a, b, c]).map((p) => p._id)).toEqual(['a:0', 'c:0']);
  });

  it('prefers another source to a slightly better passage of the same source', () => {
    const ranked = [
      passage('a:0', 'a', topic('p'), 10),
      passage('a:1', 'a', topic('q'), 9.5),
      passage('b:0', 'b', topic('r'), 9),
    ];
    expect(selectPassages(ranked).map((p) => p._id)).toEqual(['a:0', 'b:0', 'a:1']);
  });

  it('prefers a new aspect to a partly redundant passage', () => {
    const ranked = [
      passage('a:0', 'a', topic('p'), 10),
      // shares 4 of 12 distinct terms with a:0 (Jaccard 1/3): redundant, but not a duplicate
      passage('b:0', 'b', [...topic('p', 4), ...topic('s', 4)], 9.5),
      passage('c:0', 'c', topic('r'), 9),
    ];
    expect(selectPassages(ranked).map((p) => p._id)).toEqual(['a:0', 'c:0', 'b:0']);
  });

  it('returns at most maxPassages, and stops adding weak passages once minPassages are in', () => {
    const strong = Array.from({ length: 8 }, (_, i) =>
      passage(`s:${i}`, `s${i}`, topic(`t${i}`), 10 - i * 0.1),
    );
    expect(selectPassages(strong)).toHaveLength(MMR.maxPassages);
    const weakTail = [
      ...strong.slice(0, 3),
      passage('w:0', 'w0', topic('w'), 10 * (MMR.minRelativeRelevance - 0.01)),
    ];
    expect(selectPassages(weakTail).map((p) => p._id)).toEqual(['s:0', 's:1', 's:2']);
    const weakOnly = [strong[0]!, passage('w:0', 'w0', topic('w'), 1)];
    expect(selectPassages(weakOnly).map((p) => p._id)).toEqual(['s:0', 'w:0']);
  });

  it('returns nothing for no candidates', () => {
    expect(selectPassages([])).toEqual([]);
  });
});
