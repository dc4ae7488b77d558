import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { CORPUS, type CorpusEntry } from './manifest';

const PAGES = new URL('./pages/', import.meta.url);

const sources = new Map<string, string>();

/** The UTF-8 source of a corpus page, as kept in the repository (read once, then cached). */
export function readSource(entry: CorpusEntry): string {
  let source = sources.get(entry.file);
  if (source === undefined) {
    source = readFileSync(new URL(entry.file, PAGES), 'utf8');
    sources.set(entry.file, source);
  }
  return source;
}

/** The corpus entry for a file name. */
export function entryFor(file: string): CorpusEntry {
  const entry = CORPUS.find((e) => e.file === file);
  if (entry === undefined) throw new Error(`no corpus page ${file}`);
  return entry;
}

/** `text/html` or `text/plain`, from the file name. */
export function mediaType(entry: CorpusEntry): 'text/html' | 'text/plain' {
  return entry.file.endsWith('.txt') ? 'text/plain' : 'text/html';
}

/** The `Content-Type` header: with a charset parameter only when the page declares it there. */
export function contentType(entry: CorpusEntry): string {
  const declaredInHeader = entry.declared === 'header' || entry.declared === 'both';
  return declaredInHeader ? `${mediaType(entry)}; charset=${entry.charset}` : mediaType(entry);
}

/** Thrown when a page holds characters its wire charset cannot represent. */
export class CharsetError extends Error {
  constructor(entry: CorpusEntry, index: number, char: string) {
    super(
      `${entry.file}: character ${JSON.stringify(char)} (U+${char.codePointAt(0)?.toString(16).toUpperCase()}) at ${index} cannot be encoded in ${entry.charset}`,
    );
    this.name = 'CharsetError';
  }
}

/**
 * The page as bytes on the wire: transcoded to its charset with iconv-lite, with a BOM when the
 * entry asks for one. Refuses (throws {@link CharsetError}) rather than letting iconv-lite
 * silently substitute `?` for a character the charset lacks.
 */
export function encodePage(entry: CorpusEntry, source = readSource(entry)): Buffer {
  const body = iconv.encode(source, entry.charset);
  const back = iconv.decode(body, entry.charset);
  if (back !== source) {
    const index = [...source].findIndex((char, i) => char !== [...back][i]);
    throw new CharsetError(entry, index, [...source][index] ?? '');
  }
  return entry.bom === true ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}
