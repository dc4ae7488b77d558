import { assessSufficiency, isRelevant, type Thresholds } from './sufficiency';
import type { SourceEvidence } from './stats';

/**
 * The confidence model, a two-level noisy-OR. A relevant passage with evidence score `s` has
 * strength `q = 1 − exp(−s/T)` (T the score threshold, so `q` ≥ 0.63 for any relevant passage and
 * grows with the score). A source's support is `u = 1 − Π(1 − passageWeight·q)` over its relevant
 * passages, so extra passages from one page add less and less. The confidence is
 * `1 − Π(1 − sourceWeight·u)` over sources: one source alone can never exceed `sourceWeight`, and
 * every further source multiplies the remaining doubt — evidence and source diversity both raise
 * it, and since every factor is ≤ 1, adding anything can never lower it.
 */
export const CONFIDENCE = Object.freeze({
  passageWeight: 0.5,
  sourceWeight: 0.6,
  /** Never claim certainty. */
  cap: 0.99,
  /** Reported with this many decimals (rounding is monotone, so the guarantee survives it). */
  decimals: 3,
});

/** The strength of one relevant passage (see {@link CONFIDENCE}); 0 when not relevant. */
export function passageStrength(score: number, scoreThreshold: number): number {
  if (!isRelevant(score, scoreThreshold)) return 0;
  // With a zero threshold the scale falls back to 1 and a relevant passage still counts ≥ 0.63.
  const scale = scoreThreshold > 0 ? scoreThreshold : 1;
  return 1 - Math.exp(-Math.max(score, scale) / scale);
}

/** The support of one source: noisy-OR of its relevant passages' strengths. */
export function sourceSupport(scores: readonly number[], scoreThreshold: number): number {
  let doubt = 1;
  for (const score of scores) {
    doubt *= 1 - CONFIDENCE.passageWeight * passageStrength(score, scoreThreshold);
  }
  return 1 - doubt;
}

/**
 * The strength of the evidence in [0, cap], whether or not it is sufficient: noisy-OR of the
 * sources' supports, rounded to {@link CONFIDENCE}.decimals. Monotone non-decreasing in every
 * score and in the set of sources.
 */
export function evidenceStrength(
  evidence: readonly SourceEvidence[],
  scoreThreshold: number,
): number {
  let doubt = 1;
  for (const source of evidence) {
    doubt *= 1 - CONFIDENCE.sourceWeight * sourceSupport(source.scores, scoreThreshold);
  }
  const factor = 10 ** CONFIDENCE.decimals;
  return Math.min(CONFIDENCE.cap, Math.round((1 - doubt) * factor) / factor);
}

/**
 * The confidence of the answer: {@link evidenceStrength} when the evidence is sufficient, else 0
 * (the insufficient answer claims nothing). In [0, 1]; never lower after a relevant passage or
 * source is added, since sufficiency and strength are both monotone.
 */
export function confidence(evidence: readonly SourceEvidence[], thresholds: Thresholds): number {
  return assessSufficiency(evidence, thresholds).sufficient
    ? evidenceStrength(evidence, thresholds.scoreThreshold)
    : 0;
}
