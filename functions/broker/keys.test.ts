import { describe, expect, it } from 'vitest';
import { DEDUP_RAW_LIMIT, brokerKeys, dedupSuffix } from './keys';

describe('broker keys', () => {
  it("puts each trigger's keys under its own hash tag", () => {
    const keys = brokerKeys('multivac:events').of('learn-document-learn');
    expect(keys.stream).toBe('multivac:events:{learn-document-learn}');
    expect(keys.deadLetters).toBe('multivac:events:{learn-document-learn}:deadletter');
    expect(keys.dedup(dedupSuffix('/multivac/data', 'e1'))).toBe(
      'multivac:events:{learn-document-learn}:dedup:14:/multivac/datae1',
    );
  });

  it('keeps a short source + id as text, its length telling where the source ends', () => {
    expect(dedupSuffix('/a', 'b')).toBe('2:/ab');
    expect(dedupSuffix('ab', 'c')).not.toBe(dedupSuffix('a', 'bc'));
  });

  it('hashes only a pair past the bound, into a key no short pair can have', () => {
    const long = 'x'.repeat(DEDUP_RAW_LIMIT);
    expect(dedupSuffix(long, 'y')).toMatch(/^#[\w-]{27}$/);
    expect(dedupSuffix(long, 'y')).not.toBe(dedupSuffix(long, 'z'));
    expect(dedupSuffix(long.slice(1), 'y')).toBe(`${DEDUP_RAW_LIMIT - 1}:${long.slice(1)}y`);
  });
});
