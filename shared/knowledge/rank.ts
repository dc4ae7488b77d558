import { bm25Score, coordination } from './bm25';
import type { Query } from './query';
import type { CorpusStats } from './stats';

/**
 * A stored passage as the answer step reads it back (a `passages` document has these fields).
 * `_id` is `${documentId}:${index}`.
 */
export interface Candidate {
  readonly _id: string;
  readonly documentId: string;
  readonly text: string;
  readonly terms: readonly string[];
  readonly tf: Readonly<Record<string, number>>;
  readonly length: number;
  /** The learn-time evidence score. */
  readonly score: number;
}

/** A candidate with its relevance: BM25 under fresh statistics × question coordination. */
export type RankedPassage<C extends Candidate = Candidate> = C & { readonly relevance: number };

/**
 * How many candidates the answer step reads: the passages with the highest learn-time `score`
 * (an indexed sort). Enough to hold every relevant passage of a corpus several times the test
 * corpus, and bounded, so answering costs the same however large the corpus grows.
 */
export const CANDIDATE_LIMIT = 200;

/**
 * Re-scores a bounded candidate set and sorts it. Relevance is BM25 under fresh `stats` times the
 * {@link coordination} of the question's own terms. Sorted by relevance descending, then evidence
 * score descending, then `_id`, so equal inputs give equal output.
 */
export function rank<C extends Candidate>(
  candidates: readonly C[],
  stats: CorpusStats,
  query: Query,
): RankedPassage<C>[] {
  return candidates
    .map((candidate) => ({
      ...candidate,
      relevance: bm25Score(candidate, stats, query) * coordination(candidate, query),
    }))
    .sort(
      (a, b) =>
        b.relevance - a.relevance ||
        b.score - a.score ||
        (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
    );
}
