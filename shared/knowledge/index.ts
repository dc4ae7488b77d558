/**
 * The answer engine: pure, deterministic functions over plain data (no database, no network).
 * `learn` analyses each document ({@link analyzeDocument}), stores its passages and contribution,
 * folds contributions into {@link CorpusStats}, and when a job completes plans and composes the
 * answer ({@link planAnswer}, {@link composeAnswer}). See docs/answer-engine.md.
 */
export { INSUFFICIENT_ANSWER, NO_ANSWER, answerView, type AnswerView } from './answer-view';
export {
  composeAnswer,
  insufficientAnswer,
  planAnswer,
  type AnswerFields,
  type AnswerInput,
  type AnswerPlan,
  type SourceInfo,
} from './answer';
export {
  BM25,
  NOMINAL_PASSAGE_LENGTH,
  bm25Score,
  coordination,
  evidenceScore,
  frequency,
  idf,
  saturation,
  type Bm25Stats,
  type TermCounts,
} from './bm25';
export {
  CONFIDENCE,
  confidence,
  evidenceStrength,
  passageStrength,
  sourceSupport,
} from './confidence';
export { MMR, jaccard, selectPassages, type MmrOptions } from './mmr';
export {
  PASSAGE_LIMITS,
  analyzeDocument,
  passageTexts,
  type AnalyzeOptions,
  type AnalyzedPassage,
  type DocumentAnalysis,
} from './passages';
export {
  DEFAULT_LEXICON,
  EXPANSION_WEIGHT,
  MAX_LEXICON_ENTRIES,
  QUESTION_WEIGHT,
  lexiconFrom,
  queryTerms,
  theQuery,
  vocabulary,
  type Query,
  type QueryTerm,
} from './query';
export { QUESTION } from './question';
export { CANDIDATE_LIMIT, rank, type Candidate, type RankedPassage } from './rank';
export { splitParagraphs, splitSentences, splitWords } from './segment';
export {
  EVIDENCE_PER_SOURCE,
  EVIDENCE_SOURCES,
  addDocument,
  contributionOf,
  emptyStats,
  mergeStats,
  statsOf,
  topEvidence,
  type CorpusStats,
  type DocumentContribution,
  type SourceEvidence,
} from './stats';
export { assessSufficiency, isRelevant, type Sufficiency, type Thresholds } from './sufficiency';
export { termsOf } from './terms';
