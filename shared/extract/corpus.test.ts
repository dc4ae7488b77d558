/**
 * `extract` over every page of the test corpus (test/corpus), as the corpus server sends it: the
 * same bytes in the page's charset and the same `Content-Type` (test/corpus/source.ts, which the
 * server uses). The title must be the manifest's (the article's, without the site name), the text
 * must hold the article's paragraphs as `pageText` derives them from the same source, and nothing
 * of the page's furniture: navigation, cookie banners, ads, edit links, tables of contents,
 * infoboxes, references, comments, sidebars, footers.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { CORPUS, type CorpusEntry } from '../../test/corpus/manifest';
import { contentType, encodePage, readSource } from '../../test/corpus/source';
import { pageText } from '../../test/corpus/text';
import { extract, type Extracted } from './extract';

const squash = (text: string): string => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/**
 * Pages whose extracted title cannot equal the manifest's, and what it is instead. Each one must
 * still differ from the manifest title (else it is no longer an exception) and say why.
 */
const TITLE_EXCEPTIONS: Readonly<Record<string, { title: string; why: string }>> = {
  'negentropy-life.html': {
    title: 'Does life reverse entropy? Schrödinger’s negentropy',
    why: 'the manifest spells the apostrophe straight; the page (<title> and <h1>) has a typographic ’, which the extractor keeps as written',
  },
};

/**
 * Article metadata that `pageText` leaves out but that is not boilerplate: a section label above
 * the headline ("kicker"), a standfirst, a date line, a figure caption. The extractor may keep it.
 */
const METADATA = '.kicker, .standfirst, .date, figcaption';

/** Paragraphs shorter than this are not looked for inside other paragraphs ("Home", "News"). */
const MIN_LINE = 20;

/** Share of the article's paragraphs the extracted text must hold, each as a paragraph. */
const MIN_FOUND = 0.9;

const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div',
  'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5',
  'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th',
  'tr', 'ul',
]); // prettier-ignore

interface Node {
  nodeType: number;
  localName?: string;
  textContent: string | null;
  childNodes: ArrayLike<Node>;
}

/** Every paragraph of a page's body, furniture included: each block element breaks the text. */
function allBlocks(html: string): string[] {
  const { document } = parseHTML(html);
  const parts: string[] = [];
  const visit = (node: Node): void => {
    if (node.nodeType === 3) parts.push(node.textContent ?? '');
    if (node.nodeType !== 1) return;
    const name = node.localName ?? '';
    if (['script', 'style', 'template', 'noscript', 'head', 'title'].includes(name)) return;
    const block = BLOCKS.has(name);
    if (block) parts.push('\n');
    for (const child of Array.from(node.childNodes)) visit(child);
    if (block) parts.push('\n');
  };
  visit(document.body as unknown as Node);
  return parts.join('').split('\n').map(squash).filter(Boolean);
}

interface Expectation {
  entry: CorpusEntry;
  /** The title the extractor should find. */
  title: string;
  /** The article's paragraphs (`pageText`). */
  paragraphs: string[];
  /** Lines the extracted text may hold besides the article's paragraphs and its title. */
  allowed: Set<string>;
  /** The page's other lines: furniture, and nothing an extractor should deliver. */
  boilerplate: string[];
}

function expectationFor(entry: CorpusEntry): Expectation {
  const title = squash(TITLE_EXCEPTIONS[entry.file]?.title ?? entry.title);
  const paragraphs = pageText(entry).text.split('\n\n').map(squash);
  const source = readSource(entry);
  const html = entry.content !== undefined;
  const metadata = html
    ? Array.from(parseHTML(source).document.querySelectorAll(METADATA), (element) =>
        squash(element.textContent ?? ''),
      )
    : [];
  const allowed = new Set([title, squash(entry.title), ...metadata]);
  const article = [...paragraphs, ...allowed].join('\n');
  const boilerplate = html
    ? [...new Set(allBlocks(source))].filter((line) => !article.includes(line))
    : [];
  return { entry, title, paragraphs, allowed, boilerplate };
}

const wire = (entry: CorpusEntry): Promise<Extracted> =>
  extract(encodePage(entry), {
    contentType: contentType(entry),
    url: `http://127.0.0.1/pages/${entry.file}`,
  });

describe('extract over the test corpus, as the corpus server sends it', () => {
  it('has a real reason for every title exception', () => {
    for (const [file, { title, why }] of Object.entries(TITLE_EXCEPTIONS)) {
      const entry = CORPUS.find((e) => e.file === file);
      expect(entry, file).toBeDefined();
      expect(squash(title), file).not.toBe(squash(entry?.title ?? ''));
      expect(why.length, file).toBeGreaterThan(20);
    }
  });

  it.each(CORPUS.map((entry) => [entry.file, entry] as const))('%s', async (_, entry) => {
    const expected = expectationFor(entry);
    const result = await wire(entry);
    const text = result.text;
    const extracted = text.split('\n\n').map(squash);

    // The article's title, without the site name.
    expect.soft(squash(result.title)).toBe(expected.title);

    // The large majority of the article's paragraphs, each whole.
    const found = new Set(extracted);
    const missing = expected.paragraphs.filter((paragraph) => !found.has(paragraph));
    expect
      .soft(expected.paragraphs.length - missing.length, `missing: ${JSON.stringify(missing)}`)
      .toBeGreaterThanOrEqual(Math.ceil(MIN_FOUND * expected.paragraphs.length));

    // Nothing but the article: every paragraph is one of its paragraphs, its title or metadata.
    const article = new Set([...expected.paragraphs, ...expected.allowed]);
    expect.soft(extracted.filter((paragraph) => !article.has(paragraph))).toEqual([]);

    // No line of the page's furniture, not even inside a paragraph.
    const leaked = expected.boilerplate.filter(
      (line) => found.has(line) || (line.length >= MIN_LINE && text.includes(line)),
    );
    expect.soft(leaked).toEqual([]);

    // No edit links, and none of the usual navigation, consent or advertising phrases.
    const articleText = [...article].join('\n');
    for (const junk of [
      /\[\s*edit\s*\]/i,
      /\bedit\b/i,
      /\bcookies?\b/i,
      /\badvert(?:isement)?\b/i,
      /\baccept all\b/i,
      /\bprivacy policy\b/i,
      /\bskip to content\b/i,
      /\blog ?in\b/i,
      /\bsubscribe\b/i,
      /\bpermalink\b/i,
      /\bread next\b/i,
      /\ball rights reserved\b/i,
    ]) {
      if (!junk.test(articleText)) expect.soft(text).not.toMatch(junk);
    }
  });
});
