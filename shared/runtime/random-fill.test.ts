import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const randomFill = createRequire(import.meta.url)('./random-fill.cjs') as <
  T extends NodeJS.ArrayBufferView,
>(
  array: T,
) => T;

describe('randomFill', () => {
  it('fills the whole array it is given, and returns it', () => {
    const array = new Uint8Array(32);
    expect(randomFill(array)).toBe(array);
    // 32 zero bytes from a random source: 2^-256.
    expect(array.some((b) => b !== 0)).toBe(true);
    expect(Buffer.from(randomFill(new Uint8Array(32))).equals(Buffer.from(array))).toBe(false);
  });

  it('fills only the view, not the rest of its buffer, and more than Web Crypto allows at once', () => {
    const buffer = new Uint8Array(16);
    randomFill(buffer.subarray(4, 12));
    expect([...buffer.subarray(0, 4), ...buffer.subarray(12)]).toEqual(new Array(8).fill(0));
    const large = randomFill(new Uint32Array(40_000)); // 160,000 bytes; getRandomValues stops at 65,536
    expect(large.subarray(-100).some((n) => n !== 0)).toBe(true);
  });

  it('spreads its bytes over every value', () => {
    const counts = new Array<number>(256).fill(0);
    for (const b of randomFill(new Uint8Array(256 * 400))) counts[b]! += 1;
    // 400 expected per value; a source stuck on some values fails this, a fair one about never.
    expect(Math.min(...counts)).toBeGreaterThan(250);
    expect(Math.max(...counts)).toBeLessThan(550);
  });
});
