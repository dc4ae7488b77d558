import { TextDecoder } from 'node:util';

/** Where the encoding of a body came from, in the order it is looked for. */
export type EncodingSource = 'bom' | 'header' | 'meta' | 'detected' | 'default';

/** A decoded body. */
export interface DecodedText {
  text: string;
  /** The WHATWG name TextDecoder used, lower case: `utf-8`, `windows-1252`, `shift_jis`. */
  encoding: string;
  source: EncodingSource;
}

/** What is known about the body besides its bytes. */
export interface DecodeHints {
  /** HTML gets the `<meta charset>` prescan; text does not. */
  html: boolean;
  /** The `charset` parameter of `Content-Type`, if any. */
  charset?: string;
}

// html-encoding-sniffer returns its `defaultEncoding` when nothing is declared; this name is no
// encoding's, so it tells "undeclared" apart from a page that declares windows-1252.
const undeclared = 'x-multivac-undeclared';

/**
 * Decodes a body the way browsers choose its encoding: a byte order mark wins; then the HTTP
 * `charset`; then, for HTML, `<meta charset>` / `http-equiv` in the first 1024 bytes (the HTML
 * standard's prescan, done by `html-encoding-sniffer`); then, where nothing is declared, UTF-8 if
 * the bytes are valid UTF-8 (what Firefox's and Chrome's detectors conclude for such pages), else
 * windows-1252, the HTML default. Labels no decoder knows are skipped like browsers skip them.
 * Invalid sequences become U+FFFD. Loads the sniffer on first use.
 */
export async function decodeBody(bytes: Uint8Array, hints: DecodeHints): Promise<DecodedText> {
  const bom = bomEncoding(bytes);
  if (bom) return decodeWith(bytes, bom, 'bom');

  const fromHeader = hints.charset ? decoderFor(hints.charset) : undefined;
  if (fromHeader) return decodeWith(bytes, fromHeader.encoding, 'header');

  if (hints.html) {
    const { default: sniff } = await import('html-encoding-sniffer');
    const fromMeta = sniff(bytes, { defaultEncoding: undeclared });
    const decoder = fromMeta === undeclared ? undefined : decoderFor(fromMeta);
    if (decoder) return decodeWith(bytes, decoder.encoding, 'meta');
  }

  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
      encoding: 'utf-8',
      source: 'detected',
    };
  } catch {
    return decodeWith(bytes, 'windows-1252', 'default');
  }
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** A decoder for a WHATWG label, or undefined for labels Node's ICU cannot decode. */
function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label.trim());
  } catch {
    return undefined;
  }
}

function decodeWith(bytes: Uint8Array, encoding: string, source: EncodingSource): DecodedText {
  // The default TextDecoder strips a leading BOM of its own encoding, as browsers do.
  const decoder = new TextDecoder(encoding);
  const text = decoder.decode(bytes);
  return {
    text: decoder.encoding === 'windows-1252' ? fixWindows1252(text) : text,
    encoding: decoder.encoding,
    source,
  };
}

// WHATWG windows-1252 for bytes 0x80–0x9F. Node 20's TextDecoder decodes windows-1252 (and its
// labels iso-8859-1, latin1, ascii) as ISO-8859-1, turning “smart quotes”, dashes and € into C1
// controls; this maps them back. Exact: true windows-1252 yields no other C1 code points.
const windows1252High =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function fixWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => windows1252High[c.charCodeAt(0) - 0x80] ?? c);
}
