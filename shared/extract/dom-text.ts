import { blockElements } from './markup';
import { normalizeText } from './normalize-text';

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
  getAttribute(name: string): string | null;
  querySelector(selectors: string): DomElement | null;
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
// "onetrust-consent-sdk"; whole tokens only, so "has-ads" or "read" do not match.
const furnitureToken =
  /^(?:cookies?|consent|gdpr|cmp|onetrust|ccpa|ads?|adv|advert\w*|adsbygoogle|adslot|sponsor\w*|promo\w*|newsletter|subscribe|paywall|share|sharing|social|related|breadcrumbs?|skip-?link|sr-only|screen-reader-text|visually-hidden|popup|modal|banner)(?:[-_].*)?$/i;
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
        parts.push(preformatted ? text : text.replace(/\s+/g, ' '));
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
