import { INSUFFICIENT_ANSWER, type AnswerView } from './answer-view';
import { confidence } from './confidence';
import { selectPassages, MMR, type MmrOptions } from './mmr';
import type { Query } from './query';
import { rank, type Candidate, type RankedPassage } from './rank';
import type { CorpusStats } from './stats';
import { assessSufficiency, isRelevant, type Sufficiency, type Thresholds } from './sufficiency';

/** The fields of the answer view the engine decides (`learn` adds `knowledgeVersion`, `updatedAt`). */
export type AnswerFields = Omit<AnswerView, 'knowledgeVersion' | 'updatedAt'>;

/** How a cited source is shown. `url` is absent for raw text fed with `POST /multivac/data`. */
export interface SourceInfo {
  readonly title: string;
  readonly url?: string;
}

/** Everything the answer step needs; all plain data (no database access happens here). */
export interface AnswerInput<C extends Candidate = Candidate> {
  /** The top `CANDIDATE_LIMIT` passages by learn-time `score` (more is wasted, not wrong). */
  readonly candidates: readonly C[];
  /** Fresh corpus statistics, including every learned document. */
  readonly stats: CorpusStats;
  readonly query: Query;
  readonly thresholds: Thresholds;
  readonly mmr?: MmrOptions;
}

/** The decision, before titles and URLs are looked up. */
export type AnswerPlan<C extends Candidate = Candidate> =
  | { readonly status: 'insufficient'; readonly confidence: 0; readonly sufficiency: Sufficiency }
  | {
      readonly status: 'answered';
      readonly confidence: number;
      readonly sufficiency: Sufficiency;
      /** The selected passages, in answer order. */
      readonly passages: readonly RankedPassage<C>[];
      /** The cited documents in citation order: `documentIds[n - 1]` is source `[n]`. */
      readonly documentIds: readonly string[];
    };

/**
 * Decides the answer: sufficiency and confidence from the statistics' evidence, then the relevant
 * candidates re-ranked with fresh BM25 and 3–5 of them chosen by MMR. Sources are numbered in order
 * of first citation. Pure; look up only `documentIds` afterwards and call {@link composeAnswer}.
 */
export function planAnswer<C extends Candidate>(input: AnswerInput<C>): AnswerPlan<C> {
  const { stats, thresholds, query } = input;
  const sufficiency = assessSufficiency(stats.evidence, thresholds);
  const relevant = input.candidates.filter((c) => isRelevant(c.score, thresholds.scoreThreshold));
  const passages = sufficiency.sufficient
    ? selectPassages(rank(relevant, stats, query), input.mmr ?? MMR)
    : [];
  // Only a caller passing candidates that disagree with its statistics gets here with none.
  if (passages.length === 0) return { status: 'insufficient', confidence: 0, sufficiency };
  const documentIds = [...new Set(passages.map((passage) => passage.documentId))];
  return {
    status: 'answered',
    confidence: confidence(stats.evidence, thresholds),
    sufficiency,
    passages,
    documentIds,
  };
}

/** The insufficient answer's fields. */
export function insufficientAnswer(): AnswerFields {
  return { status: 'insufficient', answer: INSUFFICIENT_ANSWER, confidence: 0, sources: [] };
}

/** One line, no control characters: titles and URLs come from the web. */
const oneLine = (value: string) => value.replace(/[\s\p{Cc}]+/gu, ' ').trim();

/**
 * Renders a plan as the answer view's fields. The text is the passages, one paragraph each,
 * each followed by its citation `[n]`, then a blank line, `Sources:` and one line per source,
 * `[n] Title — URL` (just `[n] Title` without a URL). A source missing from `sources` is shown
 * as "Untitled document".
 */
export function composeAnswer(
  plan: AnswerPlan,
  sources: ReadonlyMap<string, SourceInfo>,
): AnswerFields {
  if (plan.status === 'insufficient') return insufficientAnswer();
  const numbers = new Map(plan.documentIds.map((id, i) => [id, i + 1]));
  const cited = plan.documentIds.map((documentId, i) => {
    const info = sources.get(documentId);
    const title = oneLine(info?.title ?? '') || 'Untitled document';
    const url = info?.url === undefined ? undefined : oneLine(info.url) || undefined;
    return url === undefined ? { n: i + 1, title } : { n: i + 1, url, title };
  });
  const body = plan.passages.map((p) => `${oneLine(p.text)} [${numbers.get(p.documentId)}]`);
  const list = cited.map((s) => `[${s.n}] ${s.title}${s.url === undefined ? '' : ` — ${s.url}`}`);
  return {
    status: 'answered',
    answer: [...body, ['Sources:', ...list].join('\n')].join('\n\n'),
    confidence: plan.confidence,
    sources: cited,
  };
}
