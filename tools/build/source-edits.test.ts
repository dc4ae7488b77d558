import { describe, expect, it } from 'vitest';
import { applyEdits } from './source-edits';

describe('source edits (tools/build)', () => {
  it('stops the build when an edit no longer matches exactly once', () => {
    const edit = { what: 'a call', from: /call\(\)/, to: 'other()' };
    expect(applyEdits('a file', 'call();', [edit])).toBe('other();');
    expect(() => applyEdits('a file', 'nothing', [edit])).toThrow(
      /a file: a call found 0 times, expected once/,
    );
    expect(() => applyEdits('a file', 'call(); call();', [edit])).toThrow(/found 2 times/);
  });
});
