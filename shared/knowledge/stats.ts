import { frequency, type Bm25Stats } from './bm25';
import type { Query } from './query';

/**
 * How many of a source's best evidence scores are kept. Sufficiency counts at most this many
 * relevant passages per source, and confidence stops growing from one source beyond them: more
 * passages from the same page are not more independent evidence.
 */
export const EVIDENCE_PER_SOURCE = 8;

/**
 * How many sources the statistics keep evidence for (those with the highest best score). Beyond
 * this many relevant sources confidence is already at its cap (see `confidence`), so the truncation
 * never changes an answer's status or confidence, and the statistics stay bounded.
 */
export const EVIDENCE_SOURCES = 64;

/** The best evidence scores of one source (a document), highest first, all > 0. */
export interface SourceEvidence {
  readonly documentId: string;
  readonly scores: readonly number[];
}

/**
 * What one document adds to the corpus statistics, computed once when it is learned (store it with
 * the document). Sums and top-k lists only, so a single writer can fold any set of contributions in
 * any order without `$inc`.
 */
export interface DocumentContribution {
  /** Number of passages. */
  readonly passages: number;
  /** Sum of the passages' lengths in terms. */
  readonly totalLength: number;
  /** For each query key present: how many of the document's passages contain it. */
  readonly df: Readonly<Record<string, number>>;
  /** The document's best {@link EVIDENCE_PER_SOURCE} evidence scores > 0, highest first. */
  readonly evidence: readonly number[];
}

/** Corpus statistics: BM25's (over the query vocabulary only) plus per-source evidence. */
export interface CorpusStats extends Bm25Stats {
  readonly documents: number;
  readonly passages: number;
  readonly totalLength: number;
  /** Document (passage) frequency of each query key; keys outside the query are not tracked. */
  readonly df: Readonly<Record<string, number>>;
  /** At most {@link EVIDENCE_SOURCES} sources, ordered by best score (desc), then documentId. */
  readonly evidence: readonly SourceEvidence[];
}

/** The statistics of an empty corpus (the identity of {@link mergeStats}). */
export function emptyStats(): CorpusStats {
  return { documents: 0, passages: 0, totalLength: 0, df: {}, evidence: [] };
}

/** The best `EVIDENCE_PER_SOURCE` positive scores, highest first. */
export function topEvidence(scores: Iterable<number>): number[] {
  return [...scores]
    .filter((score) => Number.isFinite(score) && score > 0)
    .sort((a, b) => b - a)
    .slice(0, EVIDENCE_PER_SOURCE);
}

/** The contribution of a document from its analysed passages. */
export function contributionOf(
  passages: readonly { tf: Readonly<Record<string, number>>; length: number; score: number }[],
  query: Query,
): DocumentContribution {
  const df: Record<string, number> = {};
  for (const { key } of query.terms) {
    const count = passages.filter((passage) => frequency(passage.tf, key) > 0).length;
    if (count > 0) df[key] = count;
  }
  return {
    passages: passages.length,
    totalLength: passages.reduce((sum, passage) => sum + passage.length, 0),
    df,
    evidence: topEvidence(passages.map((passage) => passage.score)),
  };
}

const bySourceStrength = (a: SourceEvidence, b: SourceEvidence) =>
  (b.scores[0] ?? 0) - (a.scores[0] ?? 0) ||
  (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0);

function sumDf(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Record<string, number> {
  const df: Record<string, number> = {};
  for (const source of [a, b]) {
    for (const [key, count] of Object.entries(source)) df[key] = frequency(df, key) + count;
  }
  return df;
}

/**
 * Merges two statistics of disjoint sets of documents (associative and commutative, with
 * {@link emptyStats} as identity). Folding the same document twice counts it twice: the caller
 * folds each document once (see docs/answer-engine.md for how `learn` guarantees it).
 */
export function mergeStats(a: CorpusStats, b: CorpusStats): CorpusStats {
  return {
    documents: a.documents + b.documents,
    passages: a.passages + b.passages,
    totalLength: a.totalLength + b.totalLength,
    df: sumDf(a.df, b.df),
    evidence: [...a.evidence, ...b.evidence].sort(bySourceStrength).slice(0, EVIDENCE_SOURCES),
  };
}

/** Adds one document's contribution to `stats` (pure: returns new statistics). */
export function addDocument(
  stats: CorpusStats,
  documentId: string,
  contribution: DocumentContribution,
): CorpusStats {
  const evidence = topEvidence(contribution.evidence);
  return mergeStats(stats, {
    documents: 1,
    passages: contribution.passages,
    totalLength: contribution.totalLength,
    df: contribution.df,
    evidence: evidence.length > 0 ? [{ documentId, scores: evidence }] : [],
  });
}

/** The statistics of a set of documents, from their stored contributions. */
export function statsOf(
  documents: Iterable<{ documentId: string; contribution: DocumentContribution }>,
): CorpusStats {
  let stats = emptyStats();
  for (const { documentId, contribution } of documents) {
    stats = addDocument(stats, documentId, contribution);
  }
  return stats;
}
