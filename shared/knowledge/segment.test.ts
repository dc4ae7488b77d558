import { describe, expect, it } from 'vitest';
import { splitParagraphs, splitSentences, splitWords } from './segment';

describe('splitParagraphs', () => {
  it.each([
    ['one block', 'A. B.', ['A. B.']],
    ['blank line', 'First.\n\nSecond.', ['First.', 'Second.']],
    ['blank line with spaces and CRLF', 'First.\r\n  \r\nSecond.', ['First.', 'Second.']],
    ['several blank lines', 'First.\n\n\n\nSecond.', ['First.', 'Second.']],
    ['single line break stays inside', 'Heading\nText.', ['Heading\nText.']],
    ['leading and trailing space', '\n\n  Only.  \n\n', ['Only.']],
    ['empty', '   \n\n ', []],
  ])('%s', (_name, text, expected) => {
    expect(splitParagraphs(text)).toEqual(expected);
  });
});

describe('splitSentences', () => {
  it.each([
    ['two sentences', 'Entropy grows. It never shrinks.', ['Entropy grows.', 'It never shrinks.']],
    [
      'question and exclamation',
      'Can it be reversed? No! Not yet.',
      ['Can it be reversed?', 'No!', 'Not yet.'],
    ],
    [
      'title abbreviation joins',
      'He credited Dr. Schuetz with the idea. It was bold.',
      ['He credited Dr. Schuetz with the idea.', 'It was bold.'],
    ],
    [
      'e.g. and Fig. join',
      'Some processes, e.g. mixing, are irreversible. See Fig. 3 for one.',
      ['Some processes, e.g. mixing, are irreversible.', 'See Fig. 3 for one.'],
    ],
    [
      'initials join',
      'J. Willard Gibbs agreed. So did others.',
      ['J. Willard Gibbs agreed.', 'So did others.'],
    ],
    ['decimal numbers stay', 'It is 2.9 zeptojoules. Small.', ['It is 2.9 zeptojoules.', 'Small.']],
    ['line break is a hard break', 'Heading\nBody text here.', ['Heading', 'Body text here.']],
    ['white space collapsed', 'Too   many\tspaces here.', ['Too many spaces here.']],
    [
      'Japanese full stops',
      'エントロピーは増大する。逆転できるか。',
      ['エントロピーは増大する。', '逆転できるか。'],
    ],
    ['no final punctuation', 'A heading without a stop', ['A heading without a stop']],
  ])('%s', (_name, paragraph, expected) => {
    expect(splitSentences(paragraph)).toEqual(expected);
  });
});

describe('splitWords', () => {
  it.each([
    ['plain words', 'The entropy of the universe', ['The', 'entropy', 'of', 'the', 'universe']],
    ['punctuation dropped', 'Reversed? Yes, briefly!', ['Reversed', 'Yes', 'briefly']],
    ['apostrophes stay inside words', 'Maxwell’s demon can’t', ['Maxwell’s', 'demon', 'can’t']],
    ['hyphenated words split', 'heat-death', ['heat', 'death']],
    ['accented words whole', 'Poincaré recurrence', ['Poincaré', 'recurrence']],
    ['numbers are words', 'In 1865 Clausius', ['In', '1865', 'Clausius']],
    ['Japanese by dictionary', 'エントロピーは増大する', ['エントロピー', 'は', '増大', 'する']],
  ])('%s', (_name, text, expected) => {
    expect(splitWords(text)).toEqual(expected);
  });
});
