import { blockElements } from './markup';
import { collapseWhitespace, normalizeText } from './normalize-text';

/** The part of the DOM this module uses (linkedom implements it; no DOM lib types needed). */
export interface DomNode {
  nodeType: number;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
  parentNode: DomNode | null;
  textContent: string | null;
}

/** An element, as far as this module is concerned. */
export interface DomElement extends DomNode {
  localName: string;
  previousSibling: DomNode | null;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  closest(selectors: string): DomElement | null;
  remove(): void;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

const isElement = (node: DomNode): node is DomElement => node.nodeType === ELEMENT_NODE;

// Never page text: code, media, widgets, and the page furniture around the content.
const furniture = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'canvas',
  'video', 'audio', 'map', 'button', 'select', 'input', 'textarea', 'option', 'dialog', 'nav',
  'aside', 'footer', 'menu',
]); // prettier-ignore
const furnitureRoles = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'dialog', 'alertdialog', 'search',
  'menu', 'menubar', 'toolbar', 'tooltip',
]); // prettier-ignore
// Class and id tokens of banners, consent dialogs, ads and widgets: "cookie-banner", "ad-slot",
// "onetrust-consent-sdk"; site notices ("siteNotice"); a post's filing line ("entry-utility",
// "cat-links"); whole tokens only, so "has-ads" or "read" do not match.
const furnitureToken =
  /^(?:cookies?|consent|gdpr|cmp|onetrust|ccpa|ads?|adv|advert\w*|adsbygoogle|adslot|sponsor\w*|promo\w*|newsletter|subscribe|paywall|share|sharing|social|related|breadcrumbs?|skip-?link|sr-only|screen-reader-text|visually-hidden|popup|modal|banner|site-?notice|centralnotice|announcement|entry-utility|entry-footer|cat-links|tags?-links)(?:[-_].*)?$/i;
const contentContainers = new Set(['html', 'body', 'main', 'article']);
const hiddenStyle = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i;

/**
 * Visits `root` and its descendants in document order without recursion (a deep tree must not
 * exhaust the stack). `enter` returns whether to descend; `exit` follows every `enter`.
 */
export function walk(
  root: DomNode,
  enter: (node: DomNode) => boolean,
  exit: (node: DomNode) => void = () => {},
): void {
  let node: DomNode | null = root;
  while (node) {
    if (enter(node) && node.firstChild) {
      node = node.firstChild;
      continue;
    }
    for (;;) {
      exit(node);
      if (node === root) return;
      if (node.nextSibling) {
        node = node.nextSibling;
        break;
      }
      node = node.parentNode;
      if (!node) return;
    }
  }
}

/** Whether an element is hidden from readers by markup (not by stylesheets, which we never see). */
export function isHidden(element: DomElement): boolean {
  return (
    element.getAttribute('hidden') !== null ||
    element.getAttribute('aria-hidden') === 'true' ||
    hiddenStyle.test(element.getAttribute('style') ?? '')
  );
}

function isFurniture(element: DomElement, insideContent: boolean): boolean {
  const name = element.localName;
  if (furniture.has(name)) return true;
  // A page's header is furniture; an article's header holds its title and byline.
  if (name === 'header' && !insideContent) return true;
  if (contentContainers.has(name)) return false;
  const role = element.getAttribute('role');
  const tokens = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
  const marked =
    (role !== null && furnitureRoles.has(role.trim().toLowerCase())) ||
    element.getAttribute('aria-modal') === 'true' ||
    tokens.split(/\s+/).some((token) => furnitureToken.test(token));
  // Never throw away a wrapper that holds the content itself.
  return marked && element.querySelector('main, article, [role="main"]') === null;
}

/**
 * Removes navigation, headers and footers, asides, cookie and consent banners, ads, share
 * widgets, hidden elements, scripts and styles from `root`, in place.
 */
export function removeBoilerplate(root: DomNode): void {
  const doomed = new Set<DomElement>();
  let insideContent = 0;
  walk(
    root,
    (node) => {
      if (!isElement(node)) return false;
      if (node.localName === 'head') return false; // the title and metadata stay for Readability
      if (node !== root && (isHidden(node) || isFurniture(node, insideContent > 0))) {
        doomed.add(node);
        return false;
      }
      if (node.localName === 'main' || node.localName === 'article') insideContent++;
      return true;
    },
    (node) => {
      if (isElement(node) && (node.localName === 'main' || node.localName === 'article')) {
        if (!doomed.has(node)) insideContent--;
      }
    },
  );
  for (const element of doomed) element.remove();
}

// Edit controls: MediaWiki's "[edit]" after every heading and its cousins elsewhere.
const editControls = [
  '.mw-editsection',
  '.editsection',
  '.edit-section',
  '.section-edit',
  '.edit-link',
  '.editlink',
  '.post-edit-link',
  '.edit',
].join(', ');
// Links that edit the page: `?action=edit`, `?section=3`, `/edit`, `veaction=edit`.
const editHref = /[?&](?:ve)?action=(?:edit|submit)\b|[?&]section=|\/edit(?:[/?#]|$)/i;
const editText = /^\[?\s*(?:edit(?:\s+source)?|modifier|bearbeiten|editar|modifica)\s*\]?$/i;
const editBrackets = /\[\s*(?:edit(?:\s+source)?)?\s*\]/gi;
// Reference furniture inside articles, never prose: tables of contents, infoboxes and navigation
// boxes, reference lists, category links, "jump to" links, print-only and screen-only notes.
const articleFurniture = [
  '.toc',
  '#toc',
  '.mw-toc',
  '.infobox',
  '.navbox',
  '.vertical-navbox',
  '.references',
  '.reflist',
  '.mw-references-wrap',
  '#catlinks',
  '.catlinks',
  '.mw-jump-link',
  '.noprint',
  '.printfooter',
  '#siteSub',
].join(', ');
// An edit control or a piece of reference furniture is short; a wrapper of real text is not.
const MAX_CONTROL_TEXT = 40;

/**
 * Removes edit links ("[edit]" after wiki headings, `.mw-editsection`, links to `?action=edit`),
 * tables of contents, infoboxes, reference lists and category links from `root`, in place, and
 * the brackets an edit link leaves behind in a heading.
 */
export function removeEditLinks(root: DomElement): void {
  for (const element of Array.from(root.querySelectorAll(editControls))) {
    if (oneLineLength(element) <= MAX_CONTROL_TEXT) element.remove();
  }
  for (const link of Array.from(root.querySelectorAll('a'))) {
    const text = (link.textContent ?? '').trim();
    const inHeading = link.closest('h1, h2, h3, h4, h5, h6') !== null;
    const edits =
      editText.test(text) && (inHeading || editHref.test(link.getAttribute('href') ?? ''));
    if (!edits) continue;
    // "[<a>edit</a>]": the brackets go with the link.
    const before = link.previousSibling;
    const after = link.nextSibling;
    if (before?.nodeType === TEXT_NODE && after?.nodeType === TEXT_NODE) {
      const open = /\[\s*$/.exec(before.textContent ?? '');
      const close = /^\s*\]/.exec(after.textContent ?? '');
      if (open && close) {
        before.textContent = (before.textContent ?? '').slice(0, open.index);
        after.textContent = (after.textContent ?? '').slice(close[0].length);
      }
    }
    link.remove();
  }
  for (const heading of Array.from(root.querySelectorAll('h1, h2, h3, h4, h5, h6'))) {
    walk(heading, (node) => {
      if (node.nodeType !== TEXT_NODE) return isElement(node);
      const text = node.textContent ?? '';
      const cleaned = text.replace(editBrackets, '');
      if (cleaned !== text) node.textContent = cleaned;
      return false;
    });
  }
  for (const element of Array.from(root.querySelectorAll(articleFurniture))) {
    // A table of contents or reference list can be long, but it never holds the article.
    if (element.querySelector('main, article, [role="main"], h1') === null) element.remove();
  }
}

const oneLineLength = (node: DomNode): number =>
  (node.textContent ?? '').replace(/\s+/g, ' ').trim().length;

/**
 * The text under `root` as normalized paragraphs: block elements and `<br><br>` separate
 * paragraphs; source whitespace collapses, except inside `<pre>`; table cells are spaced apart.
 */
export function textOf(root: DomNode): string {
  const parts: string[] = [];
  let preformatted = 0;
  walk(
    root,
    (node) => {
      if (node.nodeType === TEXT_NODE) {
        const text = node.textContent ?? '';
        parts.push(preformatted ? text : collapseWhitespace(text));
        return false;
      }
      if (!isElement(node)) return false;
      const name = node.localName;
      if (name === 'script' || name === 'style' || name === 'template' || name === 'head') {
        return false;
      }
      if (name === 'pre') preformatted++;
      if (name === 'br') parts.push('\n');
      else if (blockElements.has(name)) parts.push('\n\n');
      else if (name === 'td' || name === 'th') parts.push(' ');
      return true;
    },
    (node) => {
      if (!isElement(node)) return;
      if (node.localName === 'pre') preformatted--;
      if (blockElements.has(node.localName)) parts.push('\n\n');
    },
  );
  return normalizeText(parts.join(''));
}
