import { describe, expect, it } from 'vitest';
import { titleOf } from './text';

describe('titleOf', () => {
  it('is the first line of short text', () => {
    expect(titleOf('Heat death\nThe universe cools.')).toBe('Heat death');
  });
  it('cuts a long first line at a word boundary', () => {
    const title = titleOf(`${'word '.repeat(40)}end`);
    expect(title.length).toBeLessThanOrEqual(81);
    expect(title.endsWith('word…')).toBe(true);
  });
});
