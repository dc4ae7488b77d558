import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TERM_LENGTH, foldWord, isStopWord, termsOf } from './terms';

describe('foldWord', () => {
  it.each([
    ['lower case', 'Entropy', ['entropy']],
    ['possessive', "Maxwell's", ['maxwell']],
    ['curly possessive', 'Maxwell’s', ['maxwell']],
    ['contraction', 'can’t', ['cant']],
    ['diacritics', 'Poincaré', ['poincare']],
    ['umlaut', 'Schrödinger', ['schrodinger']],
    ['full-width letters', 'ＡＢＣ', ['abc']],
    ['inner dots split', 'e.g', ['e', 'g']],
    ['underscore splits', 'k_B', ['k', 'b']],
    ['Japanese untouched', 'エントロピー', ['エントロピー']],
  ])('%s', (_name, word, expected) => {
    expect(foldWord(word)).toEqual(expected);
  });
});

describe('termsOf', () => {
  it.each([
    [
      'the question',
      'How can the entropy of the universe be reversed?',
      ['entropi', 'univers', 'revers'],
    ],
    ['stop words removed', 'it is what it is', []],
    ['stemming joins inflections', 'reverse reversed reversal', ['revers', 'revers', 'revers']],
    ['order kept, repeats kept', 'heat death heat', ['heat', 'death', 'heat']],
    ['possessive and phrase', "Maxwell's demon", ['maxwel', 'demon']],
    ['accents fold before stemming', 'Poincaré Poincare', ['poincar', 'poincar']],
    ['numbers and single letters dropped', 'S = k log W in 1877', ['log']],
    ['contractions are stop words', "don't can't won't", []],
    ['prototype names are ordinary words', 'constructor toString', ['constructor', 'tostr']],
    ['Japanese kept as written', 'エントロピーの増大', ['エントロピー', '増大']],
  ])('%s', (_name, text, expected) => {
    expect(termsOf(text)).toEqual(expected);
  });

  it('drops words longer than the limit (URLs, hashes)', () => {
    expect(termsOf(`${'a'.repeat(MAX_TERM_LENGTH + 1)} entropy`)).toEqual(['entropi']);
  });

  it('drops a word whose stem is a stop word', () => {
    // "tos", "its", "yours" are not on the stop list; their stems "to", "it", "your" are.
    expect(termsOf('tos its yours entropy')).toEqual(['entropi']);
  });

  it('yields only letters and digits, 2 to 40 characters, never a stop word (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        for (const term of termsOf(text)) {
          expect(term).toMatch(/^[\p{L}\p{N}]{2,40}$/u);
          expect(isStopWord(term)).toBe(false);
        }
      }),
    );
  });
});
