import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEXICON,
  EXPANSION_WEIGHT,
  MAX_LEXICON_ENTRIES,
  QUESTION_WEIGHT,
  lexiconFrom,
  queryTerms,
  theQuery,
  vocabulary,
} from './query';
import { QUESTION } from './question';

describe('queryTerms', () => {
  it('gives the question its own stems at full weight', () => {
    const query = queryTerms(QUESTION, []);
    expect(query.terms).toEqual([
      { key: 'entropi', stems: ['entropi'], weight: QUESTION_WEIGHT, origin: 'question' },
      { key: 'univers', stems: ['univers'], weight: QUESTION_WEIGHT, origin: 'question' },
      { key: 'revers', stems: ['revers'], weight: QUESTION_WEIGHT, origin: 'question' },
    ]);
  });

  it('adds lexicon entries at the lower expansion weight, multi-word entries as phrases', () => {
    const query = queryTerms(QUESTION, ['thermodynamics', 'arrow of time', "Maxwell's demon"]);
    expect(query.terms.slice(3)).toEqual([
      { key: 'thermodynam', stems: ['thermodynam'], weight: EXPANSION_WEIGHT, origin: 'lexicon' },
      { key: 'arrow time', stems: ['arrow', 'time'], weight: EXPANSION_WEIGHT, origin: 'lexicon' },
      {
        key: 'maxwel demon',
        stems: ['maxwel', 'demon'],
        weight: EXPANSION_WEIGHT,
        origin: 'lexicon',
      },
    ]);
    expect(EXPANSION_WEIGHT).toBeLessThan(QUESTION_WEIGHT);
  });

  it('keeps the question weight when the lexicon repeats a question term, and skips stop-word entries', () => {
    const query = queryTerms(QUESTION, ['Entropy', 'the of', 'reversal']);
    expect(query.terms.map((t) => [t.key, t.weight])).toEqual([
      ['entropi', 1],
      ['univers', 1],
      ['revers', 1],
    ]);
  });

  it('the default query covers the question and every default lexicon entry', () => {
    const keys = vocabulary(theQuery());
    expect(keys.slice(0, 3)).toEqual(['entropi', 'univers', 'revers']);
    expect(keys).toContain('heat death');
    expect(keys).toContain('poincar recurr');
    expect(keys).toContain('landauer');
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(3 + DEFAULT_LEXICON.length);
  });
});

describe('lexiconFrom', () => {
  it.each([
    ['unset', undefined, DEFAULT_LEXICON],
    ['blank', '  ', DEFAULT_LEXICON],
    ['replaces', 'entropy, heat death ,,', ['entropy', 'heat death']],
    ['extends with +', '+spin glass', [...DEFAULT_LEXICON, 'spin glass']],
    ['deduplicates', 'a b, a b', ['a b']],
  ])('%s', (_name, setting, expected) => {
    expect(lexiconFrom(setting)).toEqual(expected);
  });

  it('refuses an unbounded vocabulary', () => {
    const many = Array.from({ length: MAX_LEXICON_ENTRIES + 1 }, (_, i) => `term${i}`).join(',');
    expect(() => lexiconFrom(many)).toThrow(RangeError);
  });
});
