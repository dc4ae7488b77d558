/**
 * Paragraph, sentence and word segmentation with `Intl.Segmenter` (full ICU in Node).
 *
 * The segmenters are created on first use and reused: constructing one loads ICU break rules, and a
 * scale-to-zero function should pay that only when it actually analyses text, not at import time.
 */
import { collapseWhitespace } from '../extract/normalize-text';

let sentenceSegmenter: Intl.Segmenter | undefined;
let wordSegmenter: Intl.Segmenter | undefined;

const sentenceBreaker = () =>
  (sentenceSegmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' }));
const wordBreaker = () => (wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' }));

/**
 * Abbreviations after which ICU (which has no suppression list in V8) wrongly ends a sentence:
 * "Dr. Smith", "Fig. 3", "e.g. this". Lower case, without the final dot.
 */
const ABBREVIATIONS = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'st',
  'sr',
  'jr',
  'fig',
  'figs',
  'eq',
  'eqs',
  'no',
  'vol',
  'vs',
  'cf',
  'approx',
  'ca',
  'e.g',
  'i.e',
]);

/** The last whitespace-separated token of `text`, without one trailing dot. */
function lastToken(text: string): string {
  const tokens = text.trimEnd().split(/\s+/);
  const last = tokens[tokens.length - 1] ?? '';
  return last.endsWith('.') ? last.slice(0, -1) : last;
}

/** True when a sentence break after `segment` is an abbreviation or an initial ("J. Gibbs"). */
function endsWithAbbreviation(segment: string): boolean {
  if (!/\.\s*$/.test(segment)) return false;
  const token = lastToken(segment).replace(/^[("“‘[]+/, '');
  return ABBREVIATIONS.has(token.toLowerCase()) || /^\p{Lu}$/u.test(token);
}

/** Collapses every run of white space (including line breaks) to one space and trims. */
export function collapseToLine(text: string): string {
  return collapseWhitespace(text).trim();
}

/**
 * Splits extractor output into paragraphs: blocks separated by one or more blank lines. Line breaks
 * inside a block are kept (the sentence segmenter treats them as hard breaks, which suits list
 * items and headings).
 */
export function splitParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\f\v\u00a0]*\n/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0);
}

/**
 * Splits a paragraph into sentences (ICU sentence breaks, then re-joined after abbreviations and
 * initials), each with its white space collapsed. Empty sentences are dropped.
 */
export function splitSentences(paragraph: string): string[] {
  const sentences: string[] = [];
  let pending = '';
  for (const { segment } of sentenceBreaker().segment(paragraph)) {
    pending += segment;
    // A line break is a hard break even after "Dr.": a heading or list item ends there.
    if (endsWithAbbreviation(pending) && !/\n\s*$/.test(segment)) continue;
    const sentence = collapseToLine(pending);
    if (sentence.length > 0) sentences.push(sentence);
    pending = '';
  }
  const rest = collapseToLine(pending);
  if (rest.length > 0) sentences.push(rest);
  return sentences;
}

/** The word-like segments of `text` (letters, numbers, ideographs), in order, as written. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const { segment, isWordLike } of wordBreaker().segment(text)) {
    if (isWordLike) words.push(segment);
  }
  return words;
}
