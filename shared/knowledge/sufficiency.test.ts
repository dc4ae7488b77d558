import { describe, expect, it } from 'vitest';
import { assessSufficiency, isRelevant } from './sufficiency';

const thresholds = { minPassages: 3, minSources: 2, scoreThreshold: 3 };

describe('isRelevant', () => {
  it.each([
    [3, 3, true],
    [2.999, 3, false],
    [5, 3, true],
    [0, 0, false],
    [0.001, 0, true],
  ])('score %f with threshold %f → %s', (score, threshold, expected) => {
    expect(isRelevant(score, threshold)).toBe(expected);
  });
});

describe('assessSufficiency', () => {
  it.each([
    ['nothing learned', [], false, 0, 0],
    [
      'one source with many relevant passages',
      [{ documentId: 'a', scores: [9, 8, 7, 6] }],
      false,
      4,
      1,
    ],
    [
      'two sources, three relevant passages',
      [
        { documentId: 'a', scores: [5, 3] },
        { documentId: 'b', scores: [4] },
      ],
      true,
      3,
      2,
    ],
    [
      'two sources, only two relevant passages',
      [
        { documentId: 'a', scores: [5, 2.9] },
        { documentId: 'b', scores: [4] },
      ],
      false,
      2,
      2,
    ],
    [
      'passages below the threshold do not count, nor do their sources',
      [
        { documentId: 'a', scores: [5, 4, 3.5] },
        { documentId: 'b', scores: [2.99, 2.5, 1] },
      ],
      false,
      3,
      1,
    ],
  ])('%s', (_name, evidence, sufficient, relevantPassages, relevantSources) => {
    expect(assessSufficiency(evidence, thresholds)).toEqual({
      sufficient,
      relevantPassages,
      relevantSources,
    });
  });

  it('applies configured thresholds', () => {
    const evidence = [
      { documentId: 'a', scores: [1.5, 1.2] },
      { documentId: 'b', scores: [1.1] },
    ];
    expect(
      assessSufficiency(evidence, { minPassages: 3, minSources: 2, scoreThreshold: 1 }).sufficient,
    ).toBe(true);
    expect(
      assessSufficiency(evidence, { minPassages: 3, minSources: 3, scoreThreshold: 1 }).sufficient,
    ).toBe(false);
    expect(
      assessSufficiency(evidence, { minPassages: 4, minSources: 2, scoreThreshold: 1 }).sufficient,
    ).toBe(false);
  });
});
