/**
 * A linear scan of HTML that needs no DOM: it measures how deep and how large the tree would be
 * (the DOM parser's stack handling is quadratic in depth: 100 000 nested `<div>`s, 1 MB, take
 * seconds to parse and overflow Readability's recursion), and it flattens a page that is too
 * deep or too large into text without building a tree. Every step moves forward, so hostile
 * input costs time proportional to its length.
 */
import { collapseWhitespace } from './normalize-text';

/** The HTML block elements: paragraph boundaries when flattening and when reading a DOM. */
export const blockElements = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details',
  'dialog', 'dir', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1',
  'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]); // prettier-ignore

const voidElements = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input',
  'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]); // prettier-ignore

// Elements whose content is raw text up to their end tag (as the DOM parser treats them).
const rawTextElements = new Set(['script', 'style', 'title', 'textarea']);
// Raw text that is not page text.
const hiddenRawText = new Set(['script', 'style', 'textarea', 'title']);

// Elements closed implicitly when another one opens (the parser's rule; the common cases).
const closedByOpening = new Map<string, Set<string>>([
  // Block elements close an open <p>; the entries after these override them.
  ...[...blockElements].map((name): [string, Set<string>] => [name, new Set(['p'])]),
  ['p', new Set(['p'])],
  ['li', new Set(['li'])],
  ['dt', new Set(['dt', 'dd'])],
  ['dd', new Set(['dt', 'dd'])],
  ['tr', new Set(['tr', 'td', 'th'])],
  ['td', new Set(['td', 'th'])],
  ['th', new Set(['th'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
]);

type Token = { start: number; end: number } & (
  | { kind: 'open'; name: string; selfClosing: boolean }
  | { kind: 'close'; name: string }
  | { kind: 'text'; raw?: boolean }
);

const tagName = /^<(\/?)([a-zA-Z][^\t\n\f\r />]*)/;

/**
 * The tokens of `html`, each with its source range: tags, text, and the raw text of
 * script/style/title/textarea (`raw`). Comments, doctypes and processing instructions are
 * skipped; an unterminated comment or tag ends the input, as it does for a parser.
 */
function* tokens(html: string): Generator<Token> {
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      yield { kind: 'text', start: i, end: html.length };
      return;
    }
    if (lt > i) yield { kind: 'text', start: i, end: lt };
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) return;
      i = end + 3;
      continue;
    }
    const match = tagName.exec(html.slice(lt, lt + 256));
    const next = html[lt + 1];
    if (!match && next !== '!' && next !== '?' && next !== '/') {
      yield { kind: 'text', start: lt, end: lt + 1 }; // "a < b" is text
      i = lt + 1;
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt < 0) return;
    // Everything up to the next '>' is one tag, so no '<' inside it is looked at again.
    i = gt + 1;
    if (!match) continue; // doctype, processing instruction, bogus comment
    const name = (match[2] ?? '').toLowerCase();
    if (match[1]) {
      yield { kind: 'close', name, start: lt, end: i };
      continue;
    }
    yield { kind: 'open', name, selfClosing: html[gt - 1] === '/', start: lt, end: i };
    if (rawTextElements.has(name)) {
      const end = lower.indexOf(`</${name}`, i);
      const stop = end < 0 ? html.length : end;
      yield { kind: 'text', raw: true, start: i, end: stop };
      i = stop;
    }
  }
}

/** How big a DOM the markup would make. */
export interface MarkupShape {
  /** Deepest element nesting. */
  depth: number;
  /** Elements, void ones included. */
  elements: number;
  /**
   * The sum of every element's depth: what work proportional to each element's ancestors, or
   * to each container's subtree, costs (Readability's does; see html-text).
   */
  depthSum: number;
}

/**
 * Measures the tree the DOM parser would build, following its rules for void, implicitly closed
 * and foreign (`svg`, `math`) elements closely enough to bound its cost. Stops counting once
 * `limit.depth` or `limit.elements` is exceeded.
 */
export function measureMarkup(
  html: string,
  limit?: Partial<Pick<MarkupShape, 'depth' | 'elements'>>,
): MarkupShape {
  const maxDepth = limit?.depth ?? Infinity;
  const maxElements = limit?.elements ?? Infinity;
  const stack: string[] = [];
  const open = new Map<string, number>();
  let foreign = 0;
  let depth = 0;
  let elements = 0;
  let depthSum = 0;
  const pop = () => {
    const name = stack.pop() as string;
    open.set(name, (open.get(name) ?? 1) - 1);
    if (name === 'svg' || name === 'math') foreign--;
  };

  for (const token of tokens(html)) {
    if (token.kind === 'text') continue;
    const { name } = token;
    if (token.kind === 'close') {
      if (voidElements.has(name) || !open.get(name)) continue;
      while (stack.length && stack[stack.length - 1] !== name) pop();
      if (stack.length) pop();
      continue;
    }
    elements++;
    const closes = closedByOpening.get(name);
    while (closes && stack.length && closes.has(stack[stack.length - 1] as string)) pop();
    if (voidElements.has(name) || (token.selfClosing && foreign > 0)) {
      depthSum += stack.length + 1;
      continue;
    }
    stack.push(name);
    depthSum += stack.length;
    open.set(name, (open.get(name) ?? 0) + 1);
    if (name === 'svg' || name === 'math') foreign++;
    depth = Math.max(depth, stack.length);
    if (depth > maxDepth || elements > maxElements) break;
  }
  return { depth, elements, depthSum };
}

/**
 * The text of markup too deep or too large for a DOM: tags dropped, block elements turned into
 * paragraph breaks, script, style, textarea and title left out. Character references are still encoded;
 * the caller decodes them.
 */
export function flattenMarkup(html: string): string {
  const parts: string[] = [];
  let lastOpen = '';
  for (const token of tokens(html)) {
    if (token.kind === 'text') {
      const text = html.slice(token.start, token.end);
      // Source whitespace means nothing in HTML; only block elements make paragraphs.
      if (!token.raw) parts.push(collapseWhitespace(text));
      else if (!hiddenRawText.has(lastOpen)) parts.push(text);
      continue;
    }
    if (token.kind === 'open') lastOpen = token.name;
    if (token.name === 'br') parts.push('\n');
    else if (blockElements.has(token.name)) parts.push('\n\n');
    else if (token.name === 'td' || token.name === 'th') parts.push(' ');
  }
  return parts.join('');
}

/** A page rebuilt on a regular skeleton, with what was taken out of the old one. */
export interface Skeleton {
  /** `<!doctype html><html><head><title>…</title></head><body>…</body></html>`. */
  html: string;
  /** The first `<title>`'s source (character references still encoded). */
  title: string;
  /** The `lang` (or `xml:lang`) of the first `<html>` tag. */
  lang?: string;
}

const langAttribute = /\s(?:xml:)?lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/**
 * Puts the page on the skeleton a browser would build (`html` > `head` + `body`): linkedom only
 * finds the head and body where they are explicit and in order, and pages often omit them (legal
 * HTML). Every `html`, `head` and `body` tag, doctype and comment is dropped, the first `<title>`
 * moves into a fresh head, and everything else goes into the body in its original order.
 */
export function rebuildSkeleton(html: string): Skeleton {
  const body: string[] = [];
  let title: string | undefined;
  let lang: string | undefined;
  let inTitle = false;
  for (const token of tokens(html)) {
    if (inTitle) {
      if (token.kind === 'text') title = html.slice(token.start, token.end);
      else inTitle = false; // the end tag (raw text runs up to it)
      continue;
    }
    if (token.kind !== 'text' && ['html', 'head', 'body'].includes(token.name)) {
      if (token.kind === 'open' && token.name === 'html' && lang === undefined) {
        const tag = html.slice(token.start, Math.min(token.end, token.start + 4096));
        const match = langAttribute.exec(tag);
        lang = match ? (match[1] ?? match[2] ?? match[3] ?? '') : '';
      }
      continue;
    }
    if (token.kind === 'open' && token.name === 'title' && title === undefined) {
      inTitle = true;
      title = '';
      continue;
    }
    body.push(html.slice(token.start, token.end));
  }
  const head = `<title>${(title ?? '').replace(/</g, '&lt;')}</title>`;
  return {
    html: `<!doctype html><html><head>${head}</head><body>${body.join('')}</body></html>`,
    title: title ?? '',
    ...(lang ? { lang } : {}),
  };
}
