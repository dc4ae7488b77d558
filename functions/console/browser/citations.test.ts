import { describe, expect, it } from 'vitest';
import { answerParagraphs } from './citations';

describe('answerParagraphs', () => {
  const answer = [
    'Entropy can fall locally [1]',
    'Globally it grows [2] and [1] agrees.',
    'Sources:\n[1] A — http://a.test/\n[2] B — http://b.test/',
  ].join('\n\n');

  it('splits paragraphs, turns [n] of cited sources into citations, leaves out the source list', () => {
    expect(answerParagraphs(answer, new Set([1, 2]))).toEqual([
      [
        { kind: 'text', text: 'Entropy can fall locally ' },
        { kind: 'cite', n: 1 },
      ],
      [
        { kind: 'text', text: 'Globally it grows ' },
        { kind: 'cite', n: 2 },
        { kind: 'text', text: ' and ' },
        { kind: 'cite', n: 1 },
        { kind: 'text', text: ' agrees.' },
      ],
    ]);
  });

  it('keeps [n] as text when source n is not cited', () => {
    expect(answerParagraphs('See [3] and [x] and [1].', new Set([1]))).toEqual([
      [
        { kind: 'text', text: 'See [3] and [x] and ' },
        { kind: 'cite', n: 1 },
        { kind: 'text', text: '.' },
      ],
    ]);
  });

  it('shows the insufficient answer as one paragraph of text', () => {
    expect(answerParagraphs('INSUFFICIENT DATA FOR MEANINGFUL ANSWER.', new Set())).toEqual([
      [{ kind: 'text', text: 'INSUFFICIENT DATA FOR MEANINGFUL ANSWER.' }],
    ]);
  });

  it('keeps a paragraph that merely mentions sources', () => {
    expect(answerParagraphs('Sources: many disagree [1]', new Set([1]))).toHaveLength(1);
  });
});
