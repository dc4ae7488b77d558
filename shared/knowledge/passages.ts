import { evidenceScore } from './bm25';
import type { Query } from './query';
import { collapseToLine, splitParagraphs, splitSentences } from './segment';
import { contributionOf, type DocumentContribution } from './stats';
import { termsOf } from './terms';

/**
 * How text is cut into passages. A passage is a few consecutive sentences: long enough to be read
 * on its own as part of an answer, short enough that its score says something about every
 * sentence in it.
 */
export const PASSAGE_LIMITS = Object.freeze({
  /** At most this many sentences per passage. */
  maxSentences: 4,
  /** At most this many characters per passage (longer sentences are cut at a word boundary). */
  maxChars: 600,
  /**
   * A paragraph boundary closes the passage only once it has this many characters, so headings and
   * one-line paragraphs join the text after them instead of becoming passages of their own.
   */
  minChars: 160,
  /** At most this many passages per document; the rest of a huge document is not learned. */
  maxPassages: 500,
});

/** One passage as `learn` stores it (`_id` = `${documentId}:${index}`, insert-only). */
export interface AnalyzedPassage {
  /** Position in the document, from 0. */
  readonly index: number;
  /** The passage as shown in an answer: its sentences joined by single spaces. */
  readonly text: string;
  /** Unique terms (stems, plus the query phrases it contains), sorted: for a multikey index. */
  readonly terms: readonly string[];
  /** Frequency of every term in `terms`. */
  readonly tf: Readonly<Record<string, number>>;
  /** Number of stems (stop words excluded; phrases are not counted again). */
  readonly length: number;
  /** Learn-time evidence score (see `evidenceScore`): store it and index it (descending). */
  readonly score: number;
}

/** The result of analysing one document. */
export interface DocumentAnalysis {
  readonly passages: readonly AnalyzedPassage[];
  /** What the document adds to the corpus statistics; store it with the document. */
  readonly contribution: DocumentContribution;
}

/** Options of {@link analyzeDocument}. */
export interface AnalyzeOptions {
  /** The document's title: a leading paragraph repeating it is not learned as a passage. */
  readonly title?: string;
  /** The query (question + lexicon) that phrases, statistics and scores are computed for. */
  readonly query: Query;
}

/** Cuts a sentence longer than `maxChars` at word boundaries (a single huge "word" is cut hard). */
export function cutSentence(
  sentence: string,
  maxChars: number = PASSAGE_LIMITS.maxChars,
): string[] {
  if (sentence.length <= maxChars) return [sentence];
  const pieces: string[] = [];
  let current = '';
  for (const word of sentence.split(' ')) {
    for (let start = 0; start < word.length; start += maxChars) {
      const chunk = word.slice(start, start + maxChars);
      if (current.length > 0 && current.length + 1 + chunk.length > maxChars) {
        pieces.push(current);
        current = '';
      }
      current = current.length > 0 ? `${current} ${chunk}` : chunk;
    }
  }
  if (current.length > 0) pieces.push(current);
  return pieces;
}

/** Ends like a sentence (or a quotation, a bracket, a Japanese full stop). */
const TERMINAL = /[.!?;:…。！？"'”’»)\]]$/u;

/**
 * Headings and list items have no final punctuation; inside a passage they would run into the next
 * sentence ("Szilard's engine In 1929 …"), so they get a full stop.
 */
function asSentence(text: string): string {
  return TERMINAL.test(text) ? text : `${text}.`;
}

/**
 * Groups the sentences of `text` into passage texts within {@link PASSAGE_LIMITS}. Passages never
 * split a sentence unless the sentence alone is too long; they cross a paragraph boundary only
 * while shorter than `minChars`.
 */
export function passageTexts(text: string, title?: string): string[] {
  const paragraphs = splitParagraphs(text);
  const heading = title === undefined ? '' : collapseToLine(title).toLowerCase();
  while (heading !== '' && collapseToLine(paragraphs[0] ?? '').toLowerCase() === heading) {
    paragraphs.shift();
  }
  const { maxSentences, maxChars, minChars } = PASSAGE_LIMITS;
  const passages: string[] = [];
  let sentences: string[] = [];
  let chars = 0;
  const flush = () => {
    if (sentences.length > 0) passages.push(sentences.join(' '));
    sentences = [];
    chars = 0;
  };
  for (const paragraph of paragraphs) {
    // Within a paragraph, only a hard line break (a list, a heading) ends a sentence unpunctuated.
    const pieces = splitSentences(paragraph).map(asSentence);
    for (const sentence of pieces.flatMap((s) => cutSentence(s))) {
      const added = chars === 0 ? sentence.length : chars + 1 + sentence.length;
      if (sentences.length >= maxSentences || added > maxChars) flush();
      chars = chars === 0 ? sentence.length : chars + 1 + sentence.length;
      sentences.push(sentence);
    }
    if (chars >= minChars) flush();
  }
  flush();
  return passages;
}

/** Occurrences of the consecutive `stems` in `sequence`. */
function countPhrase(sequence: readonly string[], stems: readonly string[]): number {
  let count = 0;
  for (let i = 0; i + stems.length <= sequence.length; i++) {
    if (stems.every((stem, j) => sequence[i + j] === stem)) count++;
  }
  return count;
}

/** Term frequencies of a stem sequence: every stem, plus every query phrase that occurs. */
export function countTerms(sequence: readonly string[], query: Query): Map<string, number> {
  const tf = new Map<string, number>();
  for (const stem of sequence) tf.set(stem, (tf.get(stem) ?? 0) + 1);
  for (const term of query.terms) {
    if (term.stems.length < 2) continue;
    const count = countPhrase(sequence, term.stems);
    if (count > 0) tf.set(term.key, count);
  }
  return tf;
}

/**
 * Analyses one extracted document: passages (see {@link passageTexts}), each with its terms,
 * frequencies, length and evidence score, and the document's contribution to the corpus
 * statistics. Passages without any term (numbers, stop words only) are left out; indexes stay
 * consecutive. Pure and deterministic.
 */
export function analyzeDocument(text: string, options: AnalyzeOptions): DocumentAnalysis {
  const { query } = options;
  const passages: AnalyzedPassage[] = [];
  for (const passageText of passageTexts(text, options.title)) {
    if (passages.length >= PASSAGE_LIMITS.maxPassages) break;
    const sequence = termsOf(passageText);
    if (sequence.length === 0) continue;
    const counts = countTerms(sequence, query);
    // Object.fromEntries defines own properties, so no key can reach a prototype.
    const tf = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const counted = { tf, length: sequence.length };
    passages.push({
      index: passages.length,
      text: passageText,
      terms: Object.keys(tf),
      tf,
      length: sequence.length,
      score: evidenceScore(counted, query),
    });
  }
  return { passages, contribution: contributionOf(passages, query) };
}
