import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceScore } from './bm25';
import { PASSAGE_LIMITS, analyzeDocument, countTerms, cutSentence, passageTexts } from './passages';
import { queryTerms } from './query';
import { QUESTION } from './question';
import { termsOf } from './terms';

const query = queryTerms(QUESTION, ['heat death', 'second law']);

const sentence = (i: number) => `Sentence number ${i} talks about entropy at some length here.`;

describe('passageTexts', () => {
  it.each([
    ['one short paragraph', 'Entropy grows.', ['Entropy grows.']],
    [
      'a heading joins the text after it, with a full stop',
      'Heat death\n\nThe universe cools down forever and nothing happens any more at all, which is the state physicists describe as maximum entropy and call the heat death of everything.',
      [
        'Heat death. The universe cools down forever and nothing happens any more at all, which is the state physicists describe as maximum entropy and call the heat death of everything.',
      ],
    ],
    [
      'long paragraphs are not merged',
      `${'A long first paragraph about entropy that goes on. '.repeat(4)}\n\n${'A long second paragraph about the universe that goes on. '.repeat(4)}`,
      [
        'A long first paragraph about entropy that goes on. '.repeat(4).trim(),
        'A long second paragraph about the universe that goes on. '.repeat(4).trim(),
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(passageTexts(text)).toEqual(expected);
  });

  it('drops a leading paragraph that repeats the title', () => {
    expect(passageTexts('Big Bounce\n\nThe universe bounced.', 'Big  bounce')).toEqual([
      'The universe bounced.',
    ]);
  });

  it('caps a passage at maxSentences sentences', () => {
    const text = Array.from({ length: 9 }, (_, i) => sentence(i)).join(' ');
    const passages = passageTexts(text);
    expect(passages.map((p) => p.split('. ').length)).toEqual([4, 4, 1]);
  });

  it('keeps every word, in order, within the length bounds (property)', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    const sentenceArb = fc
      .array(word, { minLength: 1, maxLength: 40 })
      .map((words) => `${words.join(' ')}.`);
    const paragraph = fc.array(sentenceArb, { minLength: 1, maxLength: 8 }).map((s) => s.join(' '));
    fc.assert(
      fc.property(fc.array(paragraph, { minLength: 1, maxLength: 6 }), (paragraphs) => {
        const text = paragraphs.join('\n\n');
        const passages = passageTexts(text);
        for (const passage of passages) {
          expect(passage.length).toBeLessThanOrEqual(PASSAGE_LIMITS.maxChars);
        }
        const words = (s: string) => s.split(/[\s.]+/).filter(Boolean);
        expect(passages.flatMap(words)).toEqual(words(text));
      }),
    );
  });
});

describe('cutSentence', () => {
  it.each([
    ['short stays whole', 'abc def', 10, ['abc def']],
    ['cut at word boundaries', 'aa bb cc dd', 5, ['aa bb', 'cc dd']],
    ['a huge word is cut hard', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
  ])('%s', (_name, text, max, expected) => {
    expect(cutSentence(text, max)).toEqual(expected);
  });
});

describe('countTerms', () => {
  it('counts every stem and every query phrase occurrence', () => {
    const tf = countTerms(
      termsOf('Heat death, then heat. The heat death of the second law.'),
      query,
    );
    expect(Object.fromEntries(tf)).toEqual({
      heat: 3,
      death: 2,
      second: 1,
      law: 1,
      'heat death': 2,
      'second law': 1,
    });
  });
});

describe('analyzeDocument', () => {
  const text = [
    'Entropy and the universe',
    'The entropy of the universe grows. Can it be reversed? The second law says no.',
    '1865 1877',
  ].join('\n\n');

  it('produces passages with sorted unique terms, frequencies, length and evidence score', () => {
    const { passages } = analyzeDocument(text, { title: 'Entropy and the universe', query });
    expect(passages).toHaveLength(1);
    const [passage] = passages;
    expect(passage?.index).toBe(0);
    expect(passage?.text).toBe(
      'The entropy of the universe grows. Can it be reversed? The second law says no. 1865 1877.',
    );
    expect(passage?.tf).toEqual({
      entropi: 1,
      grow: 1,
      law: 1,
      no: 1,
      revers: 1,
      sai: 1,
      second: 1,
      'second law': 1,
      univers: 1,
    });
    expect(passage?.terms).toEqual(Object.keys(passage?.tf ?? {}));
    expect(passage?.terms).toEqual([...(passage?.terms ?? [])].sort());
    // entropi univers grow revers second law sai no: the phrase is not counted again.
    expect(passage?.length).toBe(8);
    expect(passage?.score).toBeCloseTo(
      evidenceScore({ tf: passage?.tf ?? {}, length: 8 }, query),
      12,
    );
  });

  it('leaves out passages without terms and keeps indexes consecutive', () => {
    const long =
      'Numbers only follow in the next paragraph, which is long enough to stand alone. '.repeat(3);
    const { passages } = analyzeDocument(`${long}\n\n${'1865 1877 1900. '.repeat(20)}\n\n${long}`, {
      query,
    });
    expect(passages.map((p) => p.index)).toEqual([0, 1]);
    expect(passages.every((p) => p.length > 0)).toBe(true);
  });

  it('reports the contribution of the document', () => {
    const { contribution, passages } = analyzeDocument(text, { query });
    expect(contribution.passages).toBe(passages.length);
    expect(contribution.totalLength).toBe(passages.reduce((sum, p) => sum + p.length, 0));
    expect(contribution.df).toEqual({ entropi: 1, univers: 1, revers: 1, 'second law': 1 });
  });

  it('stores words named like Object.prototype members as plain own keys', () => {
    const { passages } = analyzeDocument(
      'The constructor of the universe. Valueof hasOwnProperty.',
      {
        query,
      },
    );
    const tf = passages[0]?.tf ?? {};
    expect(Object.getPrototypeOf(tf)).toBe(Object.prototype);
    expect(Object.hasOwn(tf, 'constructor')).toBe(true);
    expect(tf['constructor']).toBe(1);
  });

  it('is deterministic', () => {
    expect(analyzeDocument(text, { query })).toEqual(analyzeDocument(text, { query }));
  });
});

describe('passageTexts with line-broken lists', () => {
  it('ends each unpunctuated line with a full stop', () => {
    expect(passageTexts('Materials\n100 g of wool\nA cable needle')).toEqual([
      'Materials. 100 g of wool. A cable needle.',
    ]);
  });
});
