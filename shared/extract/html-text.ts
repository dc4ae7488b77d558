import {
  removeBoilerplate,
  removeEditLinks,
  textOf,
  type DomElement,
  type DomNode,
} from './dom-text';
import { flattenMarkup, measureMarkup, rebuildSkeleton, type Skeleton } from './markup';
import { normalizeText } from './normalize-text';
import { bestTitle, headings, stripSiteName, titleHints, type TitleElement } from './title';

/** Deeper than this, a page is flattened instead of parsed (Blink caps its tree depth at 512). */
export const MAX_DOM_DEPTH = 512;
/** More elements than this, a page is flattened instead of parsed. */
export const MAX_DOM_ELEMENTS = 100_000;
/** More elements than this, Readability is skipped and the cleaned body is used. */
export const MAX_READABILITY_ELEMENTS = 20_000;
/**
 * Deeper than this, Readability is skipped too: its cost grows faster than depth (500 nested
 * `<div>`s alone take it over a second). Real pages rarely nest beyond 60.
 */
export const MAX_READABILITY_DEPTH = 120;
/**
 * Above this sum of element depths, Readability is skipped: it measures every container's
 * subtree again and again, so its time follows this sum (20 000 paragraphs 50 levels deep take it
 * about 9 s; a large real page sums to well under 200 000).
 */
export const MAX_READABILITY_DEPTH_SUM = 300_000;

/** How the text was found: Readability's article, the cleaned body, or flattened markup. */
export type ExtractionMethod = 'readability' | 'body' | 'flattened';

/** Title, normalized main text and language of an HTML page. */
export interface HtmlText {
  title: string;
  text: string;
  lang?: string;
  method: ExtractionMethod;
}

interface Doc {
  title: string;
  documentElement: DomElement;
  body: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): { length: number; [index: number]: DomElement };
}
type ParseHtml = (html: string) => { document: Doc };

/**
 * Finds the main text of an HTML page. The page is first put on a regular html/head/body
 * skeleton (see `rebuildSkeleton`). Then: boilerplate removed (navigation, headers, footers,
 * asides, cookie banners, ads), then `@mozilla/readability` on a `linkedom` DOM; when Readability
 * finds nothing, the cleaned `<main>`, single `<article>` or `<body>`. Pages too deep or too large
 * for a DOM are flattened instead. `linkedom` and Readability are imported on first use.
 */
export async function htmlToText(html: string): Promise<HtmlText> {
  const { parseHTML } = (await import('linkedom')) as unknown as { parseHTML: ParseHtml };
  const skeleton = rebuildSkeleton(html);
  const lang = canonicalLang(skeleton.lang);
  const shape = measureMarkup(skeleton.html, { depth: MAX_DOM_DEPTH, elements: MAX_DOM_ELEMENTS });
  if (shape.depth > MAX_DOM_DEPTH || shape.elements > MAX_DOM_ELEMENTS) {
    return withLang(flattened(skeleton, parseHTML), lang);
  }

  const { document } = parseHTML(skeleton.html);
  const hints = titleHints(document as unknown as TitleElement); // the logo goes with the header
  removeBoilerplate(document.documentElement);
  removeEditLinks(document.documentElement);
  const title = oneLine(bestTitle(hints, headings(document.documentElement)));
  const body = textOf(mainOf(document) ?? document.documentElement);

  const readable =
    shape.elements <= MAX_READABILITY_ELEMENTS &&
    shape.depth <= MAX_READABILITY_DEPTH &&
    shape.depthSum <= MAX_READABILITY_DEPTH_SUM;
  if (readable) {
    const article = await readability(document);
    const text = article?.content ? textOf(article.content) : '';
    if (text) {
      return withLang(
        { title: title || oneLine(article?.title), text, method: 'readability' },
        lang,
      );
    }
  }
  return withLang({ title, text: body, method: 'body' }, lang);
}

async function readability(document: Doc) {
  const { Readability } = await import('@mozilla/readability');
  try {
    const reader = new Readability(document as never, {
      serializer: (node) => node as unknown as DomNode,
      maxElemsToParse: MAX_READABILITY_ELEMENTS,
    });
    return reader.parse();
  } catch {
    return null; // too many elements, or markup Readability trips over: use the body instead
  }
}

function mainOf(document: Doc): DomElement | null {
  const main = document.querySelector('main, [role="main"]');
  if (main) return main;
  const articles = document.querySelectorAll('article');
  return articles.length === 1 ? (articles[0] ?? null) : document.body;
}

function flattened(skeleton: Skeleton, parseHTML: ParseHtml): HtmlText {
  // The flat text still holds character references; a flat document decodes them.
  const escape = (text: string) => text.replace(/</g, '&lt;');
  const title = `<title>${escape(skeleton.title)}</title>`;
  const text = `<div>${escape(flattenMarkup(skeleton.html))}</div>`;
  const { document } = parseHTML(
    `<!doctype html><html><head>${title}</head><body>${text}</body></html>`,
  );
  return {
    title: oneLine(stripSiteName(document.title, [])),
    text: normalizeText(document.querySelector('div')?.textContent ?? ''),
    method: 'flattened',
  };
}

const withLang = (result: HtmlText, lang: string | undefined): HtmlText =>
  lang ? { ...result, lang } : result;

/** A BCP 47 tag in canonical form (`en_us` → `en-US`), or undefined if it is not one. */
export function canonicalLang(raw: string | null | undefined): string | undefined {
  const tag = raw?.trim().replace(/_/g, '-');
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** Whitespace collapsed, at most 300 characters. */
export function oneLine(text: string | null | undefined): string {
  const line = normalizeText(text ?? '').replace(/\s+/g, ' ');
  return line.length > 300 ? `${line.slice(0, 299).trimEnd()}…` : line;
}
