/** A piece of an answer paragraph: plain text, or the citation `[n]` of a listed source. */
export type Segment = { kind: 'text'; text: string } | { kind: 'cite'; n: number };

const CITATION = /\[(\d{1,4})\]/g;
/** `composeAnswer` ends an answer with this block; the page lists the sources itself. */
const SOURCES_BLOCK = /^Sources:(\n|$)/;

/**
 * The answer text as paragraphs (separated by blank lines) of text and citations. `[n]` becomes a
 * citation only when source `n` is among `cited`; anything else stays text, as written.
 */
export function answerParagraphs(answer: string, cited: ReadonlySet<number>): Segment[][] {
  return answer
    .split(/\n[ \t]*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '' && !SOURCES_BLOCK.test(block))
    .map((block) => {
      const segments: Segment[] = [];
      let last = 0;
      for (const match of block.matchAll(CITATION)) {
        const n = Number(match[1]);
        if (!cited.has(n)) continue;
        if (match.index > last)
          segments.push({ kind: 'text', text: block.slice(last, match.index) });
        segments.push({ kind: 'cite', n });
        last = match.index + match[0].length;
      }
      if (last < block.length) segments.push({ kind: 'text', text: block.slice(last) });
      return segments;
    });
}
