import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import { splitWords } from './segment';

/**
 * Contractions as they look once their apostrophe is gone ("don't" → "dont"); the English stop
 * list only has the apostrophe-free function words.
 */
const CONTRACTIONS = [
  'arent',
  'cant',
  'couldnt',
  'didnt',
  'doesnt',
  'dont',
  'hadnt',
  'hasnt',
  'havent',
  'hes',
  'im',
  'isnt',
  'ive',
  'lets',
  'shes',
  'shouldnt',
  'thats',
  'theres',
  'theyre',
  'theyve',
  'wasnt',
  'werent',
  'weve',
  'whats',
  'wont',
  'wouldnt',
  'youd',
  'youll',
  'youre',
  'youve',
];

/** Longest term kept: anything longer is a URL, a hash or markup debris, not a word. */
export const MAX_TERM_LENGTH = 40;

let stopWords: ReadonlySet<string> | undefined;

/** The stop list (English list of `stopword` plus apostrophe-free contractions), built on first use. */
export function isStopWord(word: string): boolean {
  stopWords ??= new Set([...eng, ...CONTRACTIONS]);
  return stopWords.has(word);
}

/**
 * Folds one written word to its comparable parts: compatibility forms (full-width letters), Latin
 * diacritics removed ("Poincaré" and "Poincare" meet), lower case, possessive dropped
 * ("Maxwell's" → "maxwell"), other apostrophes removed, then split at anything that is neither a
 * letter nor a digit ("e.g" → "e", "g"; "k_B" → "k", "b").
 */
export function foldWord(word: string): string[] {
  const folded = word
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/['’ʼ]s$/u, '')
    .replace(/['’ʼ]/gu, '');
  return folded.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length > 0);
}

/** Porter stem for plain Latin words; other scripts (and words with digits) are kept as they are. */
function stem(word: string): string {
  return /^[a-z]+$/.test(word) ? stemmer(word) : word;
}

/** Length in code points (an astral character such as a cuneiform sign counts once). */
const codePoints = (text: string) => [...text].length;

/** True for a part worth indexing: two or more characters, at least one letter, not too long. */
function isIndexable(part: string): boolean {
  const length = codePoints(part);
  return length >= 2 && length <= MAX_TERM_LENGTH && /\p{L}/u.test(part);
}

/**
 * The terms of `text` in reading order: word segments (Intl.Segmenter), folded, stop words removed,
 * Porter-stemmed — and a stem that is itself a stop word removed too ("its" → "it", "yours" →
 * "your"). Repeated terms are kept, so the sequence also serves phrase matching.
 * Terms contain only letters and digits, so they are safe as MongoDB field names.
 */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const word of splitWords(text)) {
    for (const part of foldWord(word)) {
      if (!isIndexable(part) || isStopWord(part)) continue;
      const term = stem(part);
      if (codePoints(term) >= 2 && !isStopWord(term)) terms.push(term);
    }
  }
  return terms;
}
