import { posix } from 'node:path';
import GithubSlugger from 'github-slugger';
import { Lexer, walkTokens, type Token } from 'marked';

/** A reference that does not resolve inside the repository. */
export interface Finding {
  file: string;
  line: number;
  reference: string;
  problem: string;
}

/** What the checks need to know about the repository: its tracked files and their text. */
export interface Repository {
  /** Whether `path` (repo-relative, POSIX) is a tracked file or a folder holding one. */
  has(path: string): boolean;
  /** The text of a tracked file. */
  read(path: string): string;
}

const lineOf = (text: string, index: number): number =>
  index < 0 ? 0 : text.slice(0, index).split('\n').length;

/**
 * Documents that exist only outside the repository (the design notes and house style the project
 * started from). Written so that this file does not match its own patterns.
 */
const OUTSIDE_DOCUMENTS: readonly { pattern: RegExp; problem: string }[] = [
  {
    pattern: /\bDESIGN\s*§\s*\d*/g,
    problem: 'cites a design document the repository does not have',
  },
  { pattern: /\bDESIGN\.md\b/g, problem: 'names a design document the repository does not have' },
  {
    pattern: /\bSTYLE(?:\.md\b|\s+rule\b)/g,
    problem: 'cites a style guide outside the repository',
  },
];

/** A relative path into a folder named `shared`, e.g. an import of shared code or a sibling folder. */
const SHARED_PATH = /(?:\.\.\/)+shared\b(?:\/[\w.-]+)*\/?/g;

/**
 * The one permitted reference beside the repository: the skaffold JSON schema, which the
 * deployment tests and CI read when it is there and never need.
 */
const allowedBeside = (file: string, target: string): boolean =>
  (file === '.ci/run' || file.startsWith('test/deploy/')) &&
  /^shared\/schemas(?:\/|$)/.test(target);

/** `shared/<rest>` is code in the repository when it names a tracked module, file or folder. */
function sharedInRepo(target: string, repo: Repository): boolean {
  const path = target.replace(/\/$/, '');
  if (path === 'shared') return false; // the bare folder: ambiguous, and never how code is named
  return [path, `${path}.ts`, `${path}/index.ts`].some((candidate) => repo.has(candidate));
}

/**
 * References in `text` (the content of `file`) to documents outside the repository: the design
 * document and style guide by name, and relative paths into a `shared` folder that is not the
 * repository's own `shared/` (an import such as `../../shared/events/index` is fine; a path to a
 * file `shared/` does not hold is not).
 */
export function outsideReferences(file: string, text: string, repo: Repository): Finding[] {
  const findings: Finding[] = [];
  for (const { pattern, problem } of OUTSIDE_DOCUMENTS) {
    for (const match of text.matchAll(pattern)) {
      findings.push({ file, line: lineOf(text, match.index), reference: match[0], problem });
    }
  }
  for (const match of text.matchAll(SHARED_PATH)) {
    const target = match[0].replace(/^(?:\.\.\/)+/, '');
    if (sharedInRepo(target, repo) || allowedBeside(file, target)) continue;
    findings.push({
      file,
      line: lineOf(text, match.index),
      reference: match[0],
      problem: 'points at a path beside the repository',
    });
  }
  return findings;
}

/** The plain text of a heading's inline tokens, as GitHub slugs it (markup and HTML dropped). */
function plainText(tokens: readonly Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === 'html' || token.type === 'image') return '';
      if ('tokens' in token && token.tokens) return plainText(token.tokens);
      return (token as { text?: string }).text ?? '';
    })
    .join('');
}

/** The anchors GitHub gives the headings of a Markdown text (duplicates numbered `-1`, `-2`, …). */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  walkTokens(Lexer.lex(markdown), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText(token.tokens ?? [])));
  });
  return anchors;
}

/** Every link and image target of a Markdown text, outside code blocks and code spans. */
export function markdownLinks(markdown: string): { href: string; line: number }[] {
  const links: { href: string; line: number }[] = [];
  walkTokens(Lexer.lex(markdown), (token) => {
    if (token.type === 'link' || token.type === 'image') {
      links.push({ href: token.href, line: lineOf(markdown, markdown.indexOf(token.raw)) });
    }
  });
  return links;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Whether `#anchor` names a heading of the Markdown file `target`. */
function anchorProblem(target: string, anchor: string, repo: Repository): string | undefined {
  if (!anchor || !target.endsWith('.md')) return undefined;
  return headingAnchors(repo.read(target)).has(decodeURIComponent(anchor))
    ? undefined
    : `${target} has no heading with the anchor #${anchor}`;
}

/**
 * Relative links of the Markdown file `file` that lead nowhere: to a path outside the repository,
 * to a file or folder git does not track, or to an `#anchor` that no heading of the target has.
 */
export function brokenLinks(file: string, repo: Repository): Finding[] {
  const findings: Finding[] = [];
  for (const { href, line } of markdownLinks(repo.read(file))) {
    if (EXTERNAL.test(href)) continue;
    const [rawPath = '', anchor = ''] = href.split('#', 2);
    const path = decodeURI(rawPath);
    const target = !path
      ? file
      : path.startsWith('/')
        ? posix.normalize(path.slice(1))
        : posix.normalize(posix.join(posix.dirname(file), path));
    let problem: string | undefined;
    if (target.startsWith('../') || target === '..') problem = 'leaves the repository';
    else if (!repo.has(target.replace(/\/$/, ''))) problem = `${target} is not in the repository`;
    else problem = anchorProblem(target, anchor, repo);
    if (problem) findings.push({ file, line, reference: href, problem });
  }
  return findings;
}

/**
 * `docs/<name>.md` and `docs/<name>.md#anchor` mentioned in any text (comments in code and
 * manifests cite the docs this way): the document must exist and the anchor must be one of its
 * headings. A `docs/` that is part of a longer path or URL (`example.dev/docs/…`) is not one.
 */
export function brokenDocMentions(file: string, text: string, repo: Repository): Finding[] {
  const findings: Finding[] = [];
  for (const match of text.matchAll(/(?<![\w-]\/)(?<![\w.-])docs\/([\w.-]+\.md)(?:#([\w-]+))?/g)) {
    const target = `docs/${match[1]!}`;
    const problem = !repo.has(target)
      ? `${target} is not in the repository`
      : anchorProblem(target, match[2] ?? '', repo);
    if (problem) {
      findings.push({ file, line: lineOf(text, match.index), reference: match[0], problem });
    }
  }
  return findings;
}

/** A finding as one readable line. */
export const describeFinding = ({ file, line, reference, problem }: Finding): string =>
  `${file}:${line}: ${reference} — ${problem}`;
