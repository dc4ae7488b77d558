import { QUESTION } from './question';
import { termsOf } from './terms';

/**
 * Default expansion lexicon: the vocabulary in which the question is discussed. Multi-word entries
 * are matched as phrases (adjacent terms once stop words are gone: "arrow of time" matches
 * "arrow time"), so "heat death" adds nothing to a page about kitchen heat, and "second law" nothing
 * to a football report's second half. Single words are kept to terms that are rare outside physics.
 */
export const DEFAULT_LEXICON: readonly string[] = Object.freeze([
  'second law',
  'thermodynamics',
  'heat death',
  "Maxwell's demon",
  'negentropy',
  'arrow of time',
  'fluctuation theorem',
  'Poincaré recurrence',
  'Landauer',
  'big bounce',
  'Boltzmann',
  'Boltzmann brain',
  'microstate',
  'statistical mechanics',
  'isolated system',
  'thermal equilibrium',
  'irreversible',
  'time reversal',
  'Loschmidt',
  'spin echo',
  'past hypothesis',
  'big bang',
  'big crunch',
  'cyclic universe',
  'cosmology',
  'black hole',
  'Hawking radiation',
  'Bekenstein',
  'Szilard',
  'Jarzynski',
  'Crooks',
  'free energy',
  'Clausius',
  'de Sitter',
]);

/** Weight of the question's own terms (the scale of every score). */
export const QUESTION_WEIGHT = 1;

/** Weight of expansion (lexicon) terms: evidence of the topic, but less than the question's words. */
export const EXPANSION_WEIGHT = 0.5;

/** Most lexicon entries accepted: the tracked vocabulary (and the statistics) must stay bounded. */
export const MAX_LEXICON_ENTRIES = 200;

/** One weighted term of the query: a single stem, or a phrase of stems joined by one space. */
export interface QueryTerm {
  /** The key in a passage's `tf` and `terms`, and in the corpus `df`: a stem, or stems joined by " ". */
  readonly key: string;
  /** The stems of the key in order (one for a plain term, several for a phrase). */
  readonly stems: readonly string[];
  readonly weight: number;
  readonly origin: 'question' | 'lexicon';
}

/** The analysed question plus expansion: what every score is computed against. */
export interface Query {
  readonly question: string;
  readonly terms: readonly QueryTerm[];
}

/**
 * Parses the `MULTIVAC_LEXICON` setting: comma-separated entries replace the default lexicon; a
 * leading `+` adds them to it instead. Unset or blank means the default.
 * @throws RangeError when more than {@link MAX_LEXICON_ENTRIES} entries result.
 */
export function lexiconFrom(setting?: string): readonly string[] {
  const raw = setting?.trim() ?? '';
  if (raw === '') return DEFAULT_LEXICON;
  const extend = raw.startsWith('+');
  const entries = (extend ? raw.slice(1) : raw)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const lexicon = [...new Set(extend ? [...DEFAULT_LEXICON, ...entries] : entries)];
  if (lexicon.length > MAX_LEXICON_ENTRIES) {
    throw new RangeError(
      `the lexicon has ${lexicon.length} entries; at most ${MAX_LEXICON_ENTRIES} are allowed`,
    );
  }
  return lexicon;
}

/**
 * The query: every distinct stem of `question` with weight {@link QUESTION_WEIGHT}, then every
 * lexicon entry with weight {@link EXPANSION_WEIGHT} (multi-word entries as phrases). A key that
 * is both keeps the question's weight. Entries made only of stop words are ignored.
 */
export function queryTerms(question: string, lexicon: readonly string[] = DEFAULT_LEXICON): Query {
  const terms = new Map<string, QueryTerm>();
  for (const stem of termsOf(question)) {
    if (!terms.has(stem)) {
      terms.set(stem, { key: stem, stems: [stem], weight: QUESTION_WEIGHT, origin: 'question' });
    }
  }
  for (const entry of lexicon) {
    const stems = termsOf(entry);
    const key = stems.join(' ');
    if (stems.length === 0 || terms.has(key)) continue;
    terms.set(key, { key, stems, weight: EXPANSION_WEIGHT, origin: 'lexicon' });
  }
  return Object.freeze({ question, terms: Object.freeze([...terms.values()]) });
}

let defaultQuery: Query | undefined;

/** {@link QUESTION} with {@link DEFAULT_LEXICON}, computed once on first use. */
export function theQuery(): Query {
  return (defaultQuery ??= queryTerms(QUESTION, DEFAULT_LEXICON));
}

/** The keys whose document frequency the corpus statistics track: the query vocabulary. */
export function vocabulary(query: Query): string[] {
  return query.terms.map((term) => term.key);
}
