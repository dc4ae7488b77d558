import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONFIDENCE,
  confidence,
  evidenceStrength,
  passageStrength,
  sourceSupport,
} from './confidence';
import { EVIDENCE_SOURCES, addDocument, emptyStats, type SourceEvidence } from './stats';

const thresholds = { minPassages: 3, minSources: 2, scoreThreshold: 3 };

describe('passageStrength', () => {
  it.each([
    [2.9, 3, 0],
    [3, 3, 1 - Math.exp(-1)],
    [6, 3, 1 - Math.exp(-2)],
    // zero threshold: scale 1, at least the strength of a score of 1
    [0.2, 0, 1 - Math.exp(-1)],
    [0, 0, 0],
  ])('score %f, threshold %f → %f', (score, threshold, expected) => {
    expect(passageStrength(score, threshold)).toBeCloseTo(expected, 12);
  });
});

describe('sourceSupport', () => {
  it('is the noisy-OR of its relevant passages', () => {
    const q = 1 - Math.exp(-1);
    // two passages at the threshold: 1 − (1 − 0.5q)²; the one below it adds nothing
    expect(sourceSupport([3, 3, 1], 3)).toBeCloseTo(1 - (1 - 0.5 * q) ** 2, 12);
  });
});

describe('confidence', () => {
  it('is 0 while the evidence is insufficient', () => {
    expect(confidence([{ documentId: 'a', scores: [9, 9, 9, 9] }], thresholds)).toBe(0);
  });

  it('for the smallest sufficient evidence: 3 passages at the threshold from 2 sources', () => {
    const q = 1 - Math.exp(-1);
    const u2 = 1 - (1 - 0.5 * q) ** 2;
    const u1 = 0.5 * q;
    const expected = 1 - (1 - 0.6 * u2) * (1 - 0.6 * u1);
    const value = confidence(
      [
        { documentId: 'a', scores: [3, 3] },
        { documentId: 'b', scores: [3] },
      ],
      thresholds,
    );
    expect(value).toBeCloseTo(expected, 3);
    expect(value).toBeCloseTo(0.448, 3);
  });

  it('one source alone never exceeds the source weight', () => {
    expect(
      evidenceStrength([{ documentId: 'a', scores: Array(8).fill(100) }], 3),
    ).toBeLessThanOrEqual(CONFIDENCE.sourceWeight);
  });

  it('reaches the cap, never 1, with many strong sources', () => {
    const evidence = Array.from({ length: 20 }, (_, i) => ({
      documentId: `d${i}`,
      scores: [9, 9, 9],
    }));
    expect(confidence(evidence, thresholds)).toBe(CONFIDENCE.cap);
  });
});

const scoresArb = fc.array(fc.double({ min: 0.01, max: 12, noNaN: true }), {
  minLength: 1,
  maxLength: 8,
});
const evidenceArb = fc
  .uniqueArray(
    fc.record({ documentId: fc.string({ minLength: 1, maxLength: 6 }), scores: scoresArb }),
    {
      selector: (e) => e.documentId,
      maxLength: 12,
    },
  )
  .map((sources) => sources.map((s) => ({ ...s, scores: [...s.scores].sort((a, b) => b - a) })));
const thresholdsArb = fc.record({
  minPassages: fc.integer({ min: 1, max: 6 }),
  minSources: fc.integer({ min: 1, max: 4 }),
  scoreThreshold: fc.double({ min: 0, max: 6, noNaN: true }),
});

/** Folds sources into statistics, as `learn` does, so truncation to EVIDENCE_SOURCES is exercised. */
function foldEvidence(sources: readonly SourceEvidence[]): SourceEvidence[] {
  let stats = emptyStats();
  for (const s of sources)
    stats = addDocument(stats, s.documentId, {
      passages: s.scores.length,
      totalLength: 1,
      df: {},
      evidence: s.scores,
    });
  return [...stats.evidence];
}

describe('confidence never drops (properties)', () => {
  it('stays in [0, 1]', () => {
    fc.assert(
      fc.property(evidenceArb, thresholdsArb, (evidence, t) => {
        const value = confidence(evidence, t);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('adding a source never lowers it', () => {
    fc.assert(
      fc.property(evidenceArb, scoresArb, thresholdsArb, (evidence, scores, t) => {
        const before = confidence(foldEvidence(evidence), t);
        const after = confidence(
          foldEvidence([...evidence, { documentId: '\u0000new', scores }]),
          t,
        );
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  it('adding a relevant source strictly raises it until the cap, once sufficient', () => {
    fc.assert(
      fc.property(evidenceArb, thresholdsArb, (evidence, t) => {
        const before = confidence(evidence, t);
        const relevant = { documentId: '\u0000new', scores: [t.scoreThreshold + 1] };
        const after = confidence([...evidence, relevant], t);
        if (before > 0 && before < CONFIDENCE.cap - 0.01) expect(after).toBeGreaterThan(before);
      }),
    );
  });

  it('adding a passage to a source, or raising a score, never lowers it', () => {
    fc.assert(
      fc.property(
        evidenceArb,
        fc.nat(),
        fc.double({ min: 0, max: 12, noNaN: true }),
        thresholdsArb,
        (evidence, pick, extra, t) => {
          fc.pre(evidence.length > 0);
          const i = pick % evidence.length;
          const grown = evidence.map((s, j) =>
            j === i ? { ...s, scores: [...s.scores, extra].sort((a, b) => b - a) } : s,
          );
          const raised = evidence.map((s, j) =>
            j === i ? { ...s, scores: s.scores.map((x) => x + extra) } : s,
          );
          const before = confidence(foldEvidence(evidence), t);
          expect(confidence(foldEvidence(grown), t)).toBeGreaterThanOrEqual(before);
          expect(confidence(foldEvidence(raised), t)).toBeGreaterThanOrEqual(before);
        },
      ),
    );
  });

  it('beyond EVIDENCE_SOURCES relevant sources the truncated statistics are already at the cap', () => {
    const many = Array.from({ length: EVIDENCE_SOURCES + 1 }, (_, i) => ({
      documentId: `d${i}`,
      scores: [3],
    }));
    expect(confidence(foldEvidence(many), thresholds)).toBe(CONFIDENCE.cap);
    expect(confidence(foldEvidence(many.slice(0, EVIDENCE_SOURCES)), thresholds)).toBe(
      CONFIDENCE.cap,
    );
  });
});
