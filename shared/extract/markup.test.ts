import { describe, expect, it } from 'vitest';
import { flattenMarkup, measureMarkup, rebuildSkeleton } from './markup';
import { growth } from './testing';

describe('measureMarkup', () => {
  it.each([
    ['', 0, 0],
    ['plain text', 0, 0],
    ['<div><p>a</p></div>', 2, 2],
    ['<div><span><b>x</b></span></div>', 3, 3],
    ['<p>a<p>b<p>c', 1, 3],
    ['<ul><li>a<li>b<li>c</ul>', 2, 4],
    ['<table><tr><td>a<td>b<tr><td>c</table>', 3, 6],
    ['<div><br><img src=x><hr><input></div>', 1, 5],
    ['<div/><div/><div/>', 3, 3],
    ['<svg><path/><path/><path/></svg>', 1, 4],
    ['<script>for (i=0;i<9;i++) "<div><div><div>"</script>', 1, 1],
    ['<style>div > p { }</style><p>x</p>', 1, 2],
    ['<!-- <div><div><div> --><p>x</p>', 1, 1],
    ['<div></span></div></div><div></div>', 1, 2],
    ['<DIV><Div></DIV></div>', 2, 2],
    ['a < b and c > d', 0, 0],
    ['<div title="a > b"><p>x</p></div>', 2, 2],
  ])('%j: depth %i, %i elements', (html, depth, elements) => {
    expect(measureMarkup(html)).toMatchObject({ depth, elements });
  });

  it.each([
    ['<div><p>a</p><p>b</p></div>', 5],
    ['<div><br><img></div>', 5],
    ['<p>a</p><p>b</p>', 2],
  ])('sums the depths of %j: %i', (html, depthSum) => {
    expect(measureMarkup(html).depthSum).toBe(depthSum);
  });

  it.each([
    ['nested divs', '<div>'.repeat(100_000)],
    ['unclosed inline elements', '<b>x'.repeat(100_000)],
  ])('measures %s in one linear pass and stops at the limit', (_, html) => {
    expect(measureMarkup(html).depth).toBe(100_000);
    expect(measureMarkup(html, { depth: 512 }).depth).toBe(513);
  });
});

describe('flattenMarkup', () => {
  it('keeps text, turns blocks into paragraphs, drops script, style, title and textarea', () => {
    const flat = flattenMarkup(
      '<html><head><title>The &amp; title</title><style>p{}</style></head><body>' +
        '<h1>Head</h1><p>One <b>bold</b>\n\n\nword &amp; more</p><script>var x = "<p>no</p>";</script>' +
        '<p>Two<br>lines</p><table><tr><td>a</td><td>b</td></tr></table><textarea>no</textarea></body></html>',
    );
    const paragraphs = flat
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    expect(paragraphs).toEqual(['Head', 'One bold word &amp; more', 'Two lines', 'a b']);
  });

  // Each case counts work (not time) under instrumented String methods, which is slow: one
  // function per test, and a timeout that only stops a runaway, so a busy machine cannot fail it.
  const units = [
    ['tags that never close', '<a '],
    ['comments that never close', '<!--'],
    ['lone angle brackets', '< '],
    ['unclosed nesting', '<div><b>x'],
    ['raw text that never ends', '<script>'],
  ] as const;
  const runs = [flattenMarkup, measureMarkup, rebuildSkeleton] as const;
  it.each(units.flatMap(([name, unit]) => runs.map((run) => [run.name, name, unit, run] as const)))(
    '%s stays linear on %s: 8 times the input, at most 16 times the work',
    async (_, _name, unit, run) => {
      const { small, large, ratio } = await growth(unit, 37_500, run); // up to 300 000 copies
      expect(small).toBeGreaterThan(0);
      expect(ratio, `${small} → ${large}`).toBeLessThan(16);
    },
    60_000,
  );
});

describe('rebuildSkeleton', () => {
  const shell = (head: string, body: string) =>
    `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
  it.each([
    ['a fragment', '<p>a</p><p>b</p>', shell('<title></title>', '<p>a</p><p>b</p>'), '', undefined],
    ['text only', 'just text', shell('<title></title>', 'just text'), '', undefined],
    [
      'a page without head and body tags',
      '<!-- x --><html lang=de><title>T &amp; U</title><p>x</p>',
      shell('<title>T &amp; U</title>', '<p>x</p>'),
      'T &amp; U',
      'de',
    ],
    [
      'a complete page',
      '<!DOCTYPE html><HTML xml:lang="en-GB"><HEAD><meta charset=utf-8><TITLE>T</TITLE></HEAD><BODY class=x><p>x</p></BODY></HTML>',
      shell('<title>T</title>', '<meta charset=utf-8><p>x</p>'),
      'T',
      'en-GB',
    ],
    [
      'body tags inside a script are left alone',
      '<script>document.write("</body>")</script><p>x</p>',
      shell('<title></title>', '<script>document.write("</body>")</script><p>x</p>'),
      '',
      undefined,
    ],
    [
      'a title with markup in it',
      '<title>a <b> c</title><p>x</p>',
      shell('<title>a &lt;b> c</title>', '<p>x</p>'),
      'a <b> c',
      undefined,
    ],
  ])('%s', (_, input, html, title, lang) => {
    const skeleton = rebuildSkeleton(input);
    expect(skeleton).toEqual({ html, title, ...(lang ? { lang } : {}) });
  });
});
