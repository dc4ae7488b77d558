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
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
}
