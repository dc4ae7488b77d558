import type { SourceEvidence } from './stats';

/**
 * When the knowledge is sufficient to answer (`MULTIVAC_MIN_PASSAGES`, `MULTIVAC_MIN_SOURCES`,
 * `MULTIVAC_SCORE_THRESHOLD` of the learn configuration).
 */
export interface Thresholds {
  /** Relevant passages needed in all (at most `EVIDENCE_PER_SOURCE` count per source). */
  readonly minPassages: number;
  /** Distinct sources (documents) those passages must come from. */
  readonly minSources: number;
  /** Evidence score a passage needs to count as relevant. */
  readonly scoreThreshold: number;
}

/**
 * True when a passage's evidence score makes it relevant: at least the threshold, and above zero
 * whatever the threshold — a passage sharing no term with the query is never evidence, so
 * irrelevant pages cannot answer even with `MULTIVAC_SCORE_THRESHOLD=0`.
 */
export function isRelevant(score: number, scoreThreshold: number): boolean {
  return score > 0 && score >= scoreThreshold;
}

/** The verdict and the counts behind it. */
export interface Sufficiency {
  readonly sufficient: boolean;
  readonly relevantPassages: number;
  readonly relevantSources: number;
}

/**
 * Counts relevant passages and the distinct sources they come from in `evidence` (the corpus
 * statistics' per-source best scores) and compares them with the thresholds. Adding a source or a
 * passage can only raise both counts, so a sufficient corpus stays sufficient as it grows.
 */
export function assessSufficiency(
  evidence: readonly SourceEvidence[],
  thresholds: Thresholds,
): Sufficiency {
  let relevantPassages = 0;
  let relevantSources = 0;
  for (const source of evidence) {
    const count = source.scores.filter((s) => isRelevant(s, thresholds.scoreThreshold)).length;
    relevantPassages += count;
    if (count > 0) relevantSources++;
  }
  return {
    sufficient:
      relevantPassages >= thresholds.minPassages && relevantSources >= thresholds.minSources,
    relevantPassages,
    relevantSources,
  };
}
