import type { RankedPassage } from './rank';

/**
 * Maximal marginal relevance. Each step picks the passage maximizing
 * `λ·relevance/maxRelevance − (1 − λ)·max over picked of similarity`, where similarity is the
 * Jaccard overlap of the two passages' term sets plus `sameSourcePenalty` when both come from the
 * same document. λ = 0.7 keeps relevance first while still preferring a new aspect or a new source
 * to a second passage saying the same. A passage whose Jaccard overlap with a picked one reaches
 * `duplicateJaccard` is a near-duplicate (a copied or lightly edited paragraph, typically 0.7–1;
 * distinct passages on the same topic stay near 0.1–0.3) and is never picked.
 */
export const MMR = Object.freeze({
  lambda: 0.7,
  duplicateJaccard: 0.5,
  sameSourcePenalty: 0.2,
  /** An answer shows at least this many passages when that many non-duplicates exist … */
  minPassages: 3,
  /** … and at most this many. */
  maxPassages: 5,
  /** Past `minPassages`, a passage must reach this fraction of the best relevance to be added. */
  minRelativeRelevance: 0.35,
});

export type MmrOptions = typeof MMR;

/** Jaccard similarity |A∩B| / |A∪B| of two term lists (as sets); 0 when both are empty. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  let shared = 0;
  for (const term of left) if (right.has(term)) shared++;
  const union = left.size + right.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Selects answer passages from `ranked` (best first) by maximal marginal relevance, skipping
 * near-duplicates; returns them in the order picked. Deterministic: ties go to the earlier
 * (better ranked) passage.
 */
export function selectPassages<P extends RankedPassage>(
  ranked: readonly P[],
  options: MmrOptions = MMR,
): P[] {
  const best = ranked.reduce((max, passage) => Math.max(max, passage.relevance), 0);
  const relative = (passage: P) => (best > 0 ? passage.relevance / best : 0);
  const picked: P[] = [];
  const remaining = [...ranked];
  while (picked.length < options.maxPassages) {
    let choice = -1;
    let choiceValue = -Infinity;
    for (let i = 0; i < remaining.length; i++) {
      const candidate = remaining[i] as P;
      let redundancy = 0;
      let duplicate = false;
      for (const other of picked) {
        const overlap = jaccard(candidate.terms, other.terms);
        if (overlap >= options.duplicateJaccard || candidate.text === other.text) duplicate = true;
        const same = candidate.documentId === other.documentId ? options.sameSourcePenalty : 0;
        redundancy = Math.max(redundancy, overlap + same);
      }
      if (duplicate) continue;
      if (
        picked.length >= options.minPassages &&
        relative(candidate) < options.minRelativeRelevance
      )
        continue;
      const value = options.lambda * relative(candidate) - (1 - options.lambda) * redundancy;
      if (value > choiceValue) {
        choice = i;
        choiceValue = value;
      }
    }
    if (choice < 0) break;
    picked.push(remaining.splice(choice, 1)[0] as P);
  }
  return picked;
}
