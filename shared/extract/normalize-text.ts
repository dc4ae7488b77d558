// Invisible characters that only get in the way of matching words: C0/C1 controls other than
// whitespace, soft hyphens, zero-width space, word joiner, BOM. ZWJ/ZWNJ stay: some scripts need them.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const invisible = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u200b\u2060\ufeff]/g;

/**
 * Normalizes extracted text so that the same content always yields the same string (and hash):
 * line breaks unified; invisible characters removed; Unicode NFC; paragraphs — blocks separated
 * by a blank line — kept, each one's whitespace collapsed to single spaces and trimmed; empty
 * paragraphs dropped; paragraphs joined by exactly one blank line. Sentences are left alone: the
 * answer engine segments them itself. Idempotent.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0085\u2028]/g, '\n')
    .replace(/\u2029/g, '\n\n')
    .replace(invisible, '')
    .normalize('NFC')
    .split(/\n\s*\n/)
    .map((paragraph) => collapseWhitespace(paragraph).trim())
    .filter(Boolean)
    .join('\n\n');
}

/** Whitespace is collapsed this many characters at a time (see `collapseWhitespace`). */
const COLLAPSE_CHUNK = 1 << 16;
const isSpace = (text: string, i: number) => /\s/.test(text.charAt(i));

/**
 * `text` with every run of whitespace made one space, as a flat string, in memory proportional to
 * the text. `replace(/\s+/g, ' ')` returns a rope of slices of `text`, about 90 bytes per word,
 * until something flattens it: a 2 MiB paragraph made a 31 MB rope, and one per text node of a
 * 1 MiB page ran a 32 MiB heap out of memory. Here each 64 KiB piece is split and joined (flat),
 * cut where no whitespace run is split in two.
 */
export function collapseWhitespace(text: string): string {
  if (text.length <= COLLAPSE_CHUNK) return text.split(/\s+/).join(' ');
  const pieces: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + COLLAPSE_CHUNK, text.length);
    while (end < text.length && isSpace(text, end - 1) && isSpace(text, end)) end++;
    pieces.push(text.slice(start, end).split(/\s+/).join(' '));
    start = end;
  }
  return pieces.join('');
}
