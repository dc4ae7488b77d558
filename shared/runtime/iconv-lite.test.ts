import { describe, expect, it } from 'vitest';
import { decode, encodingExists, getDecoder } from './iconv-lite';

describe("iconv-lite's place in the bundles (TextDecoder)", () => {
  it.each([
    ['utf-8', true],
    ['UTF-8', true],
    ['utf8', true],
    ['iso-8859-1', true],
    ['windows-1252', true],
    ['shift_jis', true],
    ['utf-16le', true],
    ['klingon', false],
    ['', false],
  ])('knows %j: %s', (name, known) => expect(encodingExists(name)).toBe(known));

  it('decodes and drops a byte order mark', () => {
    expect(decode(Buffer.from('\uFEFF{"a":"é"}', 'utf8'), 'utf-8')).toBe('{"a":"é"}');
    expect(decode(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1')).toBe('café');
  });

  it('keeps a character split between chunks whole', () => {
    const bytes = Buffer.from('über €', 'utf8');
    const decoder = getDecoder('utf-8');
    const text =
      decoder.write(bytes.subarray(0, 1)) +
      decoder.write(bytes.subarray(1, 7)) +
      decoder.write(bytes.subarray(7)) +
      decoder.end();
    expect(text).toBe('über €');
  });

  it('refuses an unknown charset the way raw-body recognises', () => {
    expect(() => getDecoder('klingon')).toThrow(/^Encoding not recognized: 'klingon'$/);
    expect(() => decode(Buffer.from('x'), 'klingon')).toThrow(/Encoding not recognized/);
  });
});
