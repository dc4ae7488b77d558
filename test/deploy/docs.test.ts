/**
 * The repository stands on its own: nothing cites a document that lives outside it, every relative
 * Markdown link leads to a tracked file (and an existing heading), and every `docs/….md#anchor`
 * that code and manifests cite exists. Checked on the tracked files, as a fresh clone has them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  brokenDocMentions,
  brokenLinks,
  describeFinding,
  headingAnchors,
  outsideReferences,
  type Repository,
} from './support/docs';
import { gitFiles, repoPath } from './support/repo';

/** A repository of tracked paths; `read` serves `texts` first, then the working tree. */
function repository(paths: readonly string[], texts: Record<string, string> = {}): Repository {
  const tracked = new Set(paths);
  const folders = new Set(
    paths.flatMap((p) =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  return {
    has: (path) => path === '' || tracked.has(path) || folders.has(path),
    read: (path) => texts[path] ?? readFileSync(repoPath(path), 'utf8'),
  };
}

const tracked = gitFiles('.');
const repo = repository(tracked);
/** Tracked text files (a file with a NUL byte is binary and left out). */
const texts = tracked
  .map((file) => ({ file, text: readFileSync(repoPath(file), 'utf8') }))
  .filter(({ text }) => !text.includes('\0'));
const markdown = tracked.filter((file) => file.endsWith('.md'));

// Spelled in pieces, so that this file does not cite what it forbids.
const up = ['..', ''].join('/');
const design = 'DESIGN';
const style = 'STYLE';

describe('no file refers to a document outside the repository', () => {
  it('every tracked file', () => {
    const findings = texts.flatMap(({ file, text }) => outsideReferences(file, text, repo));
    expect(findings.map(describeFinding)).toEqual([]);
  });

  const sample = repository(['shared/events/index.ts', 'shared/cache/cache.ts', 'guide/a.md']);
  it.each([
    [`the decisions are in ${design} §4`, 'README.md'],
    [`see ${design}.md`, 'guide/a.md'],
    [`(${up}shared/SSRF.md) lists the sources`, 'guide/a.md'],
    [`the schema comes from \`${up}shared\``, 'guide/a.md'],
    [`${up}${up}shared/nowhere/thing`, 'functions/x/y.ts'],
    [`${up}shared/schemas/skaffold.json`, 'guide/a.md'],
    [`${style} rule 1: lowercase`, 'tools/build/discover.ts'],
  ])('flags %j in %s', (text, file) => {
    expect(outsideReferences(file, text, sample)).toHaveLength(1);
  });

  it.each([
    [`import { x } from '${up}${up}shared/events/index';`, 'functions/x/y.ts'],
    [`import { y } from '${up}${up}${up}shared/cache/cache';`, 'test/a/b/c.ts'],
    ['export const DESIGNED_FUNCTIONS = [];', 'test/deploy/support/repo.ts'],
    [`the schema sits beside the repository (${up}shared/schemas)`, 'test/deploy/skaffold.test.ts'],
    [`SCHEMA=${up}shared/schemas/skaffold.json`, '.ci/run'],
  ])('accepts %j in %s', (text, file) => {
    expect(outsideReferences(file, text, sample)).toEqual([]);
  });
});

describe('relative Markdown links lead to tracked files and existing headings', () => {
  it('the documentation is all there', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
  });

  it.each(markdown)('%s', (file) => {
    expect(brokenLinks(file, repo).map(describeFinding)).toEqual([]);
  });

  const sample = (text: string) =>
    brokenLinks(
      'guide/a.md',
      repository(['guide/a.md', 'guide/b.md', 'functions/f/README.md'], {
        'guide/a.md': text,
        'guide/b.md': '# B\n\n## The broker, in short\n\n## Limits\n\n## Limits\n',
      }),
    ).map((f) => f.reference);

  it('accepts links to tracked files, folders, headings and other sites', () => {
    expect(
      sample(
        [
          '# A',
          '[b](b.md) [brief](b.md#the-broker-in-short) [again](b.md#limits-1) [top](#a)',
          '[fn](../functions/f/README.md) [folder](../functions/f/) [site](https://example.com/x.md)',
          '```\n[in code](nowhere.md)\n```',
          '`[in a code span](nowhere.md)`',
        ].join('\n\n'),
      ),
    ).toEqual([]);
  });

  it('flags a missing file, a missing heading and a path out of the repository', () => {
    expect(
      sample(
        [
          '# A',
          '[gone](c.md)',
          '[no such heading](b.md#the-broker)',
          '[no such heading here](#b)',
          `[beside](${up}${up}shared/x.md)`,
          '![img](img/none.png)',
        ].join('\n\n'),
      ),
    ).toEqual(['c.md', 'b.md#the-broker', '#b', `${up}${up}shared/x.md`, 'img/none.png']);
  });

  it('slugs headings as GitHub does (code spans, punctuation, HTML and duplicates)', () => {
    expect([
      ...headingAnchors(
        [
          '# 1. URL rules (`normalizeUrl`)',
          "## NetworkPolicies with Knative's data plane in the path",
          '## The broker is a Deployment, not a Service with `min-scale: "1"`',
          '## Limits',
          '## Limits',
        ].join('\n\n'),
      ),
    ]).toEqual([
      '1-url-rules-normalizeurl',
      'networkpolicies-with-knatives-data-plane-in-the-path',
      'the-broker-is-a-deployment-not-a-service-with-min-scale-1',
      'limits',
      'limits-1',
    ]);
  });
});

describe('docs/….md#anchor cited in code, manifests and docs exists', () => {
  it('every tracked file', () => {
    const findings = texts.flatMap(({ file, text }) => brokenDocMentions(file, text, repo));
    expect(findings.map(describeFinding)).toEqual([]);
  });

  it('flags a missing document or heading, not a URL that merely contains docs/', () => {
    const docs = ['docs', ''].join('/');
    const sample = repository([`${docs}a.md`], { [`${docs}a.md`]: '# A\n\n## Events\n' });
    const text = [
      `(${docs}a.md#events) (${docs}a.md) (${up}${up}${docs}a.md#events)`,
      `(${docs}a.md#missing) (${docs}gone.md) (https://example.dev/${docs}gone.md)`,
    ].join('\n');
    expect(brokenDocMentions('shared/x.ts', text, sample).map((f) => f.reference)).toEqual([
      `${docs}a.md#missing`,
      `${docs}gone.md`,
    ]);
  });
});
