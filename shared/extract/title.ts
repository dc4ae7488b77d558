/**
 * A page's title without the site name. Pages name themselves three ways: the `<title>` (usually
 * "Article - Site", sometimes "Site | Article", sometimes only "Site"), `og:title` (usually the
 * bare article title) and the article's `<h1>`. The h1 wins whenever one of the titles contains it;
 * otherwise the titles lose their site-name prefix or suffix when what remains is long enough.
 */

/** What the page says about its name, gathered before the boilerplate is removed. */
export interface TitleHints {
  /** The `<title>`, whitespace collapsed. */
  title: string;
  /** `og:title` / `twitter:title`. */
  ogTitle: string;
  /** Names the site goes by: `og:site_name`, `application-name`, its logo's text, … */
  siteNames: readonly string[];
}

/** The part of the DOM this module reads. */
export interface TitleElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): TitleElement | null;
  querySelectorAll(selectors: string): ArrayLike<TitleElement>;
}

// " - ", " | ", " — ", " – ", " :: ", " · ", " « ", " » ", " > ", " / ": the site name's separators.
const separatorGroup = /(\s+(?:[-|—–·«»>/]|::)\s+)/;

// Where sites put their name: the logo, the site title, a home link in the page header.
const logoSelector = [
  '.logo',
  '#logo',
  '.site-logo',
  '.site-title',
  '#site-title',
  '.site-name',
  '.brand',
  '.navbar-brand',
  '.blogname',
  'a[rel="home"]',
  'header a[href="/"]',
  '#masthead a[href="/"]',
].join(', ');

const oneLine = (text: string | null | undefined): string =>
  (text ?? '').replace(/\s+/g, ' ').trim();

/** For comparing titles: case, whitespace, quotes and dashes do not matter. */
function fold(text: string): string {
  return oneLine(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’‚‛′`´]/g, "'")
    .replace(/[“”„‟″]/g, '"')
    .replace(/[‐‑‒–—―]/g, '-');
}

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

// Ideographic and kana text has no spaces between words.
const cjk = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** Long enough to be an article's title by itself, not a section or site name. */
function longEnough(text: string): boolean {
  return words(text) >= 3 || text.length >= 20 || (cjk.test(text) && text.length >= 6);
}

/** Collects the page's titles and site names; call before boilerplate (logos) is removed. */
export function titleHints(document: TitleElement & { title?: string }): TitleHints {
  const meta = (selector: string) =>
    oneLine(document.querySelector(selector)?.getAttribute('content'));
  const siteNames = new Set<string>();
  for (const name of [
    meta('meta[property="og:site_name"]'),
    meta('meta[name="application-name"]'),
    meta('meta[name="apple-mobile-web-app-title"]'),
    ...Array.from(document.querySelectorAll(logoSelector), (element) =>
      oneLine(element.textContent || element.querySelector('img')?.getAttribute('alt')),
    ),
  ]) {
    if (name && name.length <= 100) siteNames.add(name);
  }
  return {
    title: oneLine(document.title ?? document.querySelector('title')?.textContent),
    ogTitle: meta('meta[property="og:title"]') || meta('meta[name="twitter:title"]'),
    siteNames: [...siteNames],
  };
}

/**
 * The article's `<h1>` candidates, best first: those inside `article`, `main` or
 * `[role="main"]`, then the others; an h1 that is only a link home is the site's logo, not a title.
 */
export function headings(root: TitleElement): string[] {
  const all = Array.from(root.querySelectorAll('h1'));
  const inContent = Array.from(root.querySelectorAll('article h1, main h1, [role="main"] h1'));
  const result: string[] = [];
  for (const h1 of [...inContent, ...all]) {
    const link = h1.querySelector('a');
    const text = oneLine(h1.textContent);
    const home =
      link !== null && oneLine(link.textContent) === text && isHome(link.getAttribute('href'));
    if (text && !home && !result.includes(text)) result.push(text);
  }
  return result;
}

const isHome = (href: string | null): boolean =>
  href !== null && /^(?:(?:https?:)?\/\/[^/]+)?\/?(?:index\.\w+)?$/i.test(href.trim());

/**
 * A title with the site name taken off: separator-delimited segments that are a known site name
 * go from either end; then one more segment goes from the end (else the start) when what is left
 * is long enough and no shorter than what went.
 */
export function stripSiteName(title: string, siteNames: readonly string[]): string {
  // Segments at even indices, the separators between them at odd ones.
  const parts = oneLine(title).split(separatorGroup);
  const known = new Set(siteNames.map(fold));
  const isKnown = (segment: string | undefined) => known.has(fold(segment ?? ''));
  while (parts.length > 1 && isKnown(parts[parts.length - 1])) parts.splice(-2);
  while (parts.length > 1 && isKnown(parts[0])) parts.splice(0, 2);
  if (parts.length === 1) return parts[0] ?? '';
  const withoutLast = parts.slice(0, -2).join('');
  if (longEnough(withoutLast) && withoutLast.length >= (parts.at(-1) ?? '').length) {
    return withoutLast;
  }
  const withoutFirst = parts.slice(2).join('');
  if (longEnough(withoutFirst) && withoutFirst.length >= (parts[0] ?? '').length) {
    return withoutFirst;
  }
  return parts.join('');
}

/** Whether `title` names the site only. */
function onlySiteName(title: string, siteNames: readonly string[]): boolean {
  const folded = fold(title);
  return siteNames.some((name) => fold(name) === folded);
}

/**
 * The best title: the h1 when `og:title` or `<title>` contains it (the longest such h1); else
 * `og:title`, else `<title>`, without the site name; the first h1 when the title is only the site
 * name or too short to be one; '' when the page names itself nowhere.
 */
export function bestTitle(hints: TitleHints, h1s: readonly string[]): string {
  const titles = [hints.ogTitle, hints.title].filter(Boolean);
  const named = h1s
    .filter((h1) => !onlySiteName(h1, hints.siteNames))
    .filter((h1) => titles.some((title) => fold(title).includes(fold(h1))))
    .sort((a, b) => b.length - a.length);
  if (named[0]) return named[0];

  const h1 = h1s.find((text) => !onlySiteName(text, hints.siteNames)) ?? '';
  for (const title of titles) {
    if (onlySiteName(title, hints.siteNames)) continue;
    const stripped = stripSiteName(title, hints.siteNames);
    if (stripped && !onlySiteName(stripped, hints.siteNames)) {
      // A short title beside an h1 is a section's or the site's name ("Physipedia").
      return h1 && !longEnough(stripped) ? h1 : stripped;
    }
  }
  return h1 || titles[0] || '';
}
