import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody, type EncodingSource } from './decode';

const page = (text: string, head = '') =>
  `<!doctype html><html><head>${head}<title>t</title></head><body><p>${text}</p></body></html>`;
const bom = Buffer.from([0xef, 0xbb, 0xbf]);

interface Case {
  name: string;
  bytes: Buffer;
  charset?: string;
  html?: boolean;
  expected: string;
  encoding: string;
  source: EncodingSource;
}

// Each text uses characters the wrong decoding would garble.
const cafe = 'Café – naïve “quotes” €5';
const latin1 = 'Entropie, Wärme, Ordnung: ½ × ¾';
const japanese = 'エントロピーは減少しない';
const polish = 'Zażółć gęślą jaźń';
const chinese = '熵与热寂';

const cases: Case[] = [
  {
    name: 'windows-1252, charset only in the header',
    bytes: iconv.encode(page(cafe), 'windows-1252'),
    charset: 'windows-1252',
    expected: cafe,
    encoding: 'windows-1252',
    source: 'header',
  },
  {
    name: 'ISO-8859-1 in the header (decoded as windows-1252, like browsers)',
    bytes: iconv.encode(page(latin1), 'iso-8859-1'),
    charset: 'iso-8859-1',
    expected: latin1,
    encoding: 'windows-1252',
    source: 'header',
  },
  {
    name: 'Shift_JIS, charset only in <meta charset>',
    bytes: iconv.encode(page(japanese, '<meta charset="Shift_JIS">'), 'Shift_JIS'),
    expected: japanese,
    encoding: 'shift_jis',
    source: 'meta',
  },
  {
    name: 'Shift_JIS, charset only in the header',
    bytes: iconv.encode(page(japanese), 'Shift_JIS'),
    charset: 'shift_jis',
    expected: japanese,
    encoding: 'shift_jis',
    source: 'header',
  },
  {
    name: 'ISO-8859-2, charset only in <meta http-equiv>',
    bytes: iconv.encode(
      page(polish, '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">'),
      'iso-8859-2',
    ),
    expected: polish,
    encoding: 'iso-8859-2',
    source: 'meta',
  },
  {
    name: 'GBK in <meta charset>',
    bytes: iconv.encode(page(chinese, '<meta charset=gbk>'), 'gbk'),
    expected: chinese,
    encoding: 'gbk',
    source: 'meta',
  },
  {
    name: 'the header wins over a contradicting <meta>',
    bytes: iconv.encode(page(cafe, '<meta charset="utf-8">'), 'windows-1252'),
    charset: 'windows-1252',
    expected: cafe,
    encoding: 'windows-1252',
    source: 'header',
  },
  {
    name: 'an unknown header label is skipped for the <meta>',
    bytes: iconv.encode(page(japanese, '<meta charset="shift_jis">'), 'Shift_JIS'),
    charset: 'no-such-charset',
    expected: japanese,
    encoding: 'shift_jis',
    source: 'meta',
  },
  {
    name: 'UTF-8 with a BOM and no declaration',
    bytes: Buffer.concat([bom, Buffer.from(page(japanese))]),
    expected: japanese,
    encoding: 'utf-8',
    source: 'bom',
  },
  {
    name: 'a BOM wins over the header and the <meta>',
    bytes: Buffer.concat([bom, Buffer.from(page(cafe, '<meta charset="shift_jis">'))]),
    charset: 'windows-1252',
    expected: cafe,
    encoding: 'utf-8',
    source: 'bom',
  },
  {
    name: 'UTF-16LE with a BOM',
    bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(page(chinese), 'utf-16le')]),
    expected: chinese,
    encoding: 'utf-16le',
    source: 'bom',
  },
  {
    name: 'UTF-8 without a BOM or any declaration',
    bytes: Buffer.from(page(cafe)),
    expected: cafe,
    encoding: 'utf-8',
    source: 'detected',
  },
  {
    name: 'undeclared bytes that are not UTF-8 default to windows-1252',
    bytes: iconv.encode(page(cafe), 'windows-1252'),
    expected: cafe,
    encoding: 'windows-1252',
    source: 'default',
  },
  {
    name: 'text/plain in the header charset',
    bytes: iconv.encode(japanese, 'Shift_JIS'),
    charset: 'Shift_JIS',
    html: false,
    expected: japanese,
    encoding: 'shift_jis',
    source: 'header',
  },
  {
    name: 'text/plain is not sniffed for <meta>',
    bytes: Buffer.from(`<meta charset="shift_jis"> ${cafe}`),
    html: false,
    expected: cafe,
    encoding: 'utf-8',
    source: 'detected',
  },
];

describe('decodeBody picks the encoding as browsers do', () => {
  it.each(cases)('$name', async ({ bytes, charset, html = true, expected, encoding, source }) => {
    const decoded = await decodeBody(bytes, { html, ...(charset ? { charset } : {}) });
    expect(decoded.text).toContain(expected);
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
    expect(decoded).toMatchObject({ encoding, source });
  });

  it('replaces invalid sequences instead of failing', async () => {
    const decoded = await decodeBody(Buffer.from([0x61, 0xff, 0x62]), {
      html: false,
      charset: 'utf-8',
    });
    expect(decoded.text).toBe('a\ufffdb');
  });

  it('decodes every windows-1252 byte as the WHATWG table says (Node 20 decodes it as Latin-1)', async () => {
    const undefinedBytes = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
    const bytes = Buffer.from(
      Array.from({ length: 128 }, (_, i) => 0x80 + i).filter((b) => !undefinedBytes.includes(b)),
    );
    const decoded = await decodeBody(bytes, { html: false, charset: 'windows-1252' });
    expect(decoded.text).toBe(iconv.decode(bytes, 'windows-1252'));
  });
});
