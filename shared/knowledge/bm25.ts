import type { Query } from './query';

/**
 * Okapi BM25 parameters, the usual values: `k1` = 1.2 makes a term's contribution saturate (the
 * 2nd occurrence adds about a third of the first, the 10th almost nothing), so a page that repeats
 * a word cannot outweigh one that covers several aspects; `b` = 0.75 normalizes most, but not all,
 * of the advantage a long passage has by containing more words.
 */
export const BM25 = Object.freeze({ k1: 1.2, b: 0.75 });

/**
 * The passage length (in terms, stop words excluded) the learn-time evidence score normalizes
 * against. It is close to the median passage of the test corpus, so a typical passage is neither
 * rewarded nor penalized for its length.
 */
export const NOMINAL_PASSAGE_LENGTH = 33;

/** What scoring needs of a passage: its term frequencies and its length in terms. */
export interface TermCounts {
  readonly tf: Readonly<Record<string, number>>;
  readonly length: number;
}

/** Corpus statistics BM25 needs: passage count, summed length, document frequency per term. */
export interface Bm25Stats {
  readonly passages: number;
  readonly totalLength: number;
  readonly df: Readonly<Record<string, number>>;
}

/**
 * Frequency of `key` in `tf`. Only own properties count: a stored `tf` is a plain object, and a
 * passage without the word "constructor" must not find `Object.prototype.constructor` there.
 */
export function frequency(tf: Readonly<Record<string, number>>, key: string): number {
  return Object.hasOwn(tf, key) ? (tf[key] ?? 0) : 0;
}

/** BM25's term-frequency component: `tf·(k1+1) / (tf + k1·(1 − b + b·length/avgLength))`. */
export function saturation(tf: number, length: number, avgLength: number): number {
  if (tf <= 0) return 0;
  const { k1, b } = BM25;
  const norm = avgLength > 0 ? 1 - b + (b * length) / avgLength : 1;
  return (tf * (k1 + 1)) / (tf + k1 * norm);
}

/**
 * BM25 inverse document frequency in the non-negative form `ln(1 + (N − df + 0.5)/(df + 0.5))`
 * (Lucene's), so a term present in most passages still counts a little instead of negatively.
 * `df` is clamped to [0, N].
 */
export function idf(df: number, passages: number): number {
  const n = Math.max(0, passages);
  const d = Math.min(Math.max(0, df), n);
  return Math.log(1 + (n - d + 0.5) / (d + 0.5));
}

/**
 * The learn-time relevance ("evidence") score of a passage: BM25 in which each query term's
 * inverse document frequency is replaced by its query weight and the average length by
 * {@link NOMINAL_PASSAGE_LENGTH}. It depends on the passage alone, never on the rest of the corpus,
 * so it is computed once, stored and indexed, and a passage judged relevant stays relevant however
 * many documents are learned after it — which is what keeps sufficiency and confidence from ever
 * going down when sources are added.
 */
export function evidenceScore(passage: TermCounts, query: Query): number {
  let score = 0;
  for (const term of query.terms) {
    const tf = frequency(passage.tf, term.key);
    if (tf > 0) score += term.weight * saturation(tf, passage.length, NOMINAL_PASSAGE_LENGTH);
  }
  return score;
}

/**
 * Okapi BM25 of a passage against the query with the corpus statistics `stats`: for each query
 * term, `weight · idf(df, N) · saturation(tf, length, totalLength/N)`. Used to rank the bounded
 * candidate set at answer time with fresh statistics.
 */
export function bm25Score(passage: TermCounts, stats: Bm25Stats, query: Query): number {
  const avgLength = stats.passages > 0 ? stats.totalLength / stats.passages : passage.length;
  // Candidates may postdate the statistics (or the statistics be empty): count them in.
  const n = Math.max(stats.passages, 1);
  let score = 0;
  for (const term of query.terms) {
    const tf = frequency(passage.tf, term.key);
    if (tf <= 0) continue;
    const df = Math.max(frequency(stats.df, term.key), 1);
    score += term.weight * idf(df, n) * saturation(tf, passage.length, avgLength);
  }
  return score;
}

/**
 * The share (by weight) of the question's own terms present in the passage, in [0, 1]; 1 for a
 * query without question terms. Lucene's classic "coordination" factor, restricted to the
 * question: it keeps a passage dense in rare expansion terms (Jarzynski, Crooks, Szilard), which
 * BM25 alone ranks first because rare terms have a high idf, from outranking one that speaks to
 * the question itself (entropy, universe, reversed).
 */
export function coordination(passage: TermCounts, query: Query): number {
  let total = 0;
  let present = 0;
  for (const term of query.terms) {
    if (term.origin !== 'question') continue;
    total += term.weight;
    if (frequency(passage.tf, term.key) > 0) present += term.weight;
  }
  return total > 0 ? present / total : 1;
}
