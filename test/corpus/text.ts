import { parseHTML } from 'linkedom';
import { CORPUS, type CorpusEntry } from './manifest';
import { readSource } from './source';

/**
 * The plain text of every corpus page, derived from the same source files the server sends, so the
 * two cannot drift. For HTML, the text is the block elements (headings, paragraphs, list items,
 * quotations, table rows) inside the entry's `content` element, skipping the boilerplate that sits
 * inside articles (ads, figures, infoboxes, tables of contents, edit links, references, the
 * article header with title and byline). For plain text, it is the file. Paragraphs are separated
 * by blank lines, as the extractor delivers them.
 */

/** A corpus page as text: what the extractor should deliver for it. */
export interface CorpusText {
  readonly file: string;
  /** Served at this path. */
  readonly path: string;
  readonly title: string;
  readonly relevant: boolean;
  /** Paragraphs separated by blank lines, white space collapsed within each. */
  readonly text: string;
}

const SKIP_TAGS = new Set([
  'ASIDE',
  'BUTTON',
  'FIGURE',
  'FOOTER',
  'FORM',
  'HEADER',
  'IFRAME',
  'NAV',
  'NOSCRIPT',
  'SCRIPT',
  'STYLE',
  'SVG',
  'TEMPLATE',
]);

/** Classes of boilerplate found inside article bodies: bylines, edit links, infoboxes, … */
const SKIP_CLASSES = ['byline', 'edit', 'infobox', 'references', 'toc'];

/** Advertising containers, however a site names them: `ad`, `ads`, `ad-slot`, `inline-ad`, `advert`. */
const AD_CLASS = /^(?:ads?|adbox|advert\w*|ad-[\w-]+|[\w-]+-ad)$/;

const BLOCK_TAGS = new Set([
  'BLOCKQUOTE',
  'DD',
  'DT',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'LI',
  'P',
  'PRE',
  'TR',
]);

interface Node {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<Node>;
}

const ELEMENT = 1;
const TEXT = 3;

function skipped(node: Node): boolean {
  if (SKIP_TAGS.has(node.nodeName)) return true;
  const classes = (node as { className?: unknown }).className;
  if (typeof classes !== 'string' || classes === '') return false;
  return classes.split(/\s+/).some((name) => SKIP_CLASSES.includes(name) || AD_CLASS.test(name));
}

/** The text of an element's subtree, skipping boilerplate; `<br>` and table cells become spaces. */
function inlineText(node: Node): string {
  if (node.nodeType === TEXT) return node.textContent ?? '';
  if (node.nodeType !== ELEMENT || skipped(node)) return '';
  if (node.nodeName === 'BR') return ' ';
  const inner = Array.from(node.childNodes, inlineText).join('');
  return node.nodeName === 'TD' || node.nodeName === 'TH' ? ` ${inner} ` : inner;
}

function collectBlocks(node: Node, blocks: string[]): void {
  if (node.nodeType !== ELEMENT || skipped(node)) return;
  if (BLOCK_TAGS.has(node.nodeName)) {
    const text = inlineText(node).replace(/\s+/g, ' ').trim();
    if (text.length > 0) blocks.push(text);
    return;
  }
  for (const child of Array.from(node.childNodes)) collectBlocks(child, blocks);
}

/** The text of the element matching `selector` in `html`, as paragraphs; the title is left out. */
export function htmlToText(html: string, selector: string, title: string): string {
  const { document } = parseHTML(html);
  const root = document.querySelector(selector) as unknown as Node | null;
  if (root === null) throw new Error(`no element matches ${selector}`);
  const blocks: string[] = [];
  for (const child of Array.from(root.childNodes)) collectBlocks(child, blocks);
  return blocks.filter((block) => block !== title).join('\n\n');
}

/** Plain text normalized the same way: paragraphs by blank lines, white space collapsed. */
function plainToText(source: string, title: string): string {
  return source
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.replace(/\s+/g, ' ').trim())
    .filter((block) => block.length > 0 && block !== title)
    .join('\n\n');
}

/** The plain text of one corpus page. */
export function pageText(entry: CorpusEntry): CorpusText {
  const source = readSource(entry);
  const text =
    entry.content === undefined
      ? plainToText(source, entry.title)
      : htmlToText(source, entry.content, entry.title);
  return {
    file: entry.file,
    path: `/pages/${entry.file}`,
    title: entry.title,
    relevant: entry.relevant,
    text,
  };
}

let all: readonly CorpusText[] | undefined;

/** The plain text of every corpus page, in manifest order (computed once). */
export function corpusText(): readonly CorpusText[] {
  return (all ??= CORPUS.map(pageText));
}
