import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash';
import { collapseWhitespace, normalizeText } from './normalize-text';

describe('normalizeText', () => {
  it.each([
    ['', ''],
    ['  \n\t ', ''],
    ['one  two\tthree', 'one two three'],
    ['wrapped\nline', 'wrapped line'],
    ['first\n\nsecond', 'first\n\nsecond'],
    ['first\n \t\n\n\nsecond\n', 'first\n\nsecond'],
    ['windows\r\nline\r\n\r\nbreaks', 'windows line\n\nbreaks'],
    ['old mac\r\rbreaks', 'old mac\n\nbreaks'],
    ['para\u2029graph', 'para\n\ngraph'],
    ['line\u2028sep', 'line sep'],
    ['no\u00a0break\u3000space', 'no break space'],
    ['soft\u00adhyphen zero\u200bwidth', 'softhyphen zerowidth'],
    ['\ufeffbom', 'bom'],
    ['bell\u0007 and nul\u0000', 'bell and nul'],
    ['ZWJ stays: \u{1f469}\u200d\u{1f52c}', 'ZWJ stays: \u{1f469}\u200d\u{1f52c}'],
    ['composed: e\u0301', 'composed: \u00e9'],
    ['Poincare\u0301 recurrence', 'Poincaré recurrence'],
    ['Ω (ohm sign \u2126)', 'Ω (ohm sign \u03a9)'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'é', 'e\u0301', ' ', '\n', '\r', '\t', '\u00ad', '\u2029')),
        (parts) => {
          const once = normalizeText(parts.join(''));
          expect(normalizeText(once)).toBe(once);
          expect(once).not.toMatch(/^\s|\s$|\n\n\n|[ \t]\n|\n[ \t]/);
        },
      ),
    );
  });
});

describe('contentHash', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('of %j is the SHA-256 hex of the text', (text, hash) => {
    expect(contentHash(text)).toBe(hash);
  });

  it('hashes the normalized text, so spacing and composition do not make new documents', () => {
    const a = contentHash('Heat  death\n\n\nof the  universe, Poincare\u0301');
    expect(a).toBe(contentHash(' Heat death\r\n\r\nof the universe, Poincaré '));
    expect(a).toBe(
      createHash('sha256').update('Heat death\n\nof the universe, Poincaré').digest('hex'),
    );
    expect(a).not.toBe(contentHash('Heat death of the universe, Poincaré'));
  });
});

describe('collapseWhitespace', () => {
  it.each([
    ['short text', ' a \n\t b  c '],
    [
      'runs across the 64 KiB pieces',
      `${'word '.repeat(13_107)}  \n\t  ${'x  y\n'.repeat(30_000)}`,
    ],
    ['one long word, then spaces', `${'a'.repeat(70_000)}${' '.repeat(70_000)}b`],
    ['nothing but whitespace', ' \n'.repeat(40_000)],
  ])('makes every run one space, as replace would: %s', (_, text) => {
    expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, ' '));
  });
});
