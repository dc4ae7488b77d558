import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash';
import { ExtractError } from './errors';
import { extract, type ExtractInput } from './extract';
import { MAX_DOM_DEPTH, MAX_READABILITY_DEPTH, MAX_READABILITY_ELEMENTS } from './html-text';
import { growth } from './testing';

const url = 'https://physics.example/heat-death';
const html = (contentType = 'text/html'): ExtractInput => ({ contentType, url });

const article: readonly [string, string, string] = [
  'The heat death of the universe is a hypothesis on the ultimate fate of the universe, which suggests the universe will evolve to a state of no thermodynamic free energy.',
  'If the universe lasts long enough, it will asymptotically approach a state of maximum entropy, and the second law of thermodynamics says that entropy never decreases in an isolated system.',
  'Some cosmologists argue that fluctuations could, over unimaginably long times, produce local decreases of entropy; Poincaré recurrence is one such idea, and Boltzmann brains are another.',
] as const;

/** A blog post as real sites wrap it: every kind of furniture around one article. */
const blogPost = `<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Heat death | Physics Blog</title>
  <script>window.dataLayer = [{ page: "heat-death" }];</script>
  <style>.cookie-banner { position: fixed }</style>
</head>
<body>
  <a class="skip-link" href="#content">Skip to content</a>
  <header class="site-header">
    <div class="logo">Physics Blog</div>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/archive">Archive</a></li><li><a href="/about">About us</a></li></ul></nav>
  </header>
  <div id="onetrust-consent-sdk" class="cookie-banner" role="dialog">
    We use cookies to improve your experience. <button>Accept all cookies</button> <button>Manage preferences</button>
  </div>
  <div class="layout">
    <main id="content">
      <article class="post has-ads">
        <header><h1>Heat death</h1><p class="byline">By A. Writer</p></header>
        <p>${article[0]}</p>
        <div class="ad-slot">Advertisement: BUY a perpetual motion machine today!</div>
        <p>${article[1].replace('asymptotically ', 'asymptotically\n        ')}</p>
        <div class="share-buttons"><a href="#">Share on social media</a></div>
        <p>${article[2].replace('é', '&eacute;')}</p>
      </article>
      <section class="newsletter-signup"><h2>Subscribe</h2><p>Get our newsletter every week!</p><form><input type="email"><button>Sign up</button></form></section>
    </main>
    <aside class="sidebar"><h3>Related posts</h3><ul><li><a href="/x">Maxwell's demon explained</a></li></ul></aside>
  </div>
  <footer class="site-footer"><p>© 2024 Physics Blog. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
  <div hidden>Hidden tracking text</div>
</body>
</html>`;

const boilerplate = [
  'Skip to content',
  'Home',
  'Archive',
  'About us',
  'cookies',
  'Accept all',
  'Advertisement',
  'Share on social',
  'newsletter',
  'Related posts',
  'Maxwell',
  '©',
  'Privacy policy',
  'Hidden tracking',
  'dataLayer',
  'position: fixed',
];

describe('extract finds the main text', () => {
  it('of a blog post, without navigation, banners, ads, widgets or footers', async () => {
    const result = await extract(Buffer.from(blogPost), html());
    expect(result.text.split('\n\n')).toEqual(expect.arrayContaining([...article]));
    for (const junk of boilerplate) expect(result.text).not.toContain(junk);
    expect(result).toMatchObject({ title: 'Heat death', lang: 'en-GB' });
    expect(result.encoding).toBe('utf-8');
  });

  it('of a page without <main> or <article>, as paragraphs', async () => {
    const page = `<html><head><title>Notes</title></head><body>
      <div id="menu" role="navigation"><a href="/">Home</a></div>
      <div class="content"><h2>Entropy</h2>${article.map((p) => `<div>${p}</div>`).join('\n')}</div>
      <div class="footer-links" role="contentinfo">Contact | Imprint</div></body></html>`;
    const result = await extract(Buffer.from(page), html());
    expect(result.text.split('\n\n')).toEqual(expect.arrayContaining([...article]));
    expect(result.text).not.toMatch(/Home|Imprint/);
    expect(result.title).toBe('Notes');
  });

  it('falls back to the cleaned body when Readability finds nothing', async () => {
    const page = `<html><body><nav>Menu</nav><p>Entropy rises.</p><ul><li>First law</li><li>Second law</li></ul></body></html>`;
    const result = await extract(Buffer.from(page), html());
    expect(result.text).toBe('Entropy rises.\n\nFirst law\n\nSecond law');
    expect(result.title).toBe('Entropy rises.');
  });

  it('keeps <br><br> as a paragraph break and a single <br> as a space', async () => {
    const page = `<html><body><div>${article[0]}<br>continued<br><br>${article[1]}</div></body></html>`;
    const result = await extract(Buffer.from(page), html());
    expect(result.text).toBe(`${article[0]} continued\n\n${article[1]}`);
  });

  it('takes text/plain as it is, normalized, titled by its first line', async () => {
    const text = `Entropy notes\n\n${article[0]}\r\n\r\n  ${article[1]}  \n`;
    const result = await extract(Buffer.from(text), html('text/plain; charset=utf-8'));
    expect(result).toEqual({
      title: 'Entropy notes',
      text: ['Entropy notes', article[0], article[1]].join('\n\n'),
      encoding: 'utf-8',
      method: 'plain',
    });
  });

  it('reads application/xhtml+xml as HTML', async () => {
    const page = `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="de"><head><title>Wärmetod</title></head><body><p>Die Entropie wächst.</p></body></html>`;
    const result = await extract(Buffer.from(page), html('application/xhtml+xml'));
    expect(result).toMatchObject({ title: 'Wärmetod', text: 'Die Entropie wächst.', lang: 'de' });
  });

  it.each([
    ['<html lang="EN_us">', undefined, 'en-US'],
    ['<html>', 'fr-CA, en', 'fr-CA'],
    ['<html lang="not a language!">', undefined, undefined],
    ['<html>', undefined, undefined],
  ])('language of %s with Content-Language %s is %s', async (open, contentLanguage, lang) => {
    const page = `${open}<body><p>${article[0]}</p></body></html>`;
    const result = await extract(Buffer.from(page), { ...html(), contentLanguage });
    expect(result.lang).toBe(lang);
  });

  it('gives the same content hash to the same text in different markup and spacing', async () => {
    const a = await extract(Buffer.from(`<p>${article[0]}</p><p>${article[1]}</p>`), html());
    const b = await extract(
      Buffer.from(`<div>\n ${article[0].replace(/ /g, '  ')} </div>\n<div>${article[1]}</div>`),
      html(),
    );
    expect(contentHash(a.text)).toBe(contentHash(b.text));
  });
});

describe('extract decodes pages in their charset', () => {
  const page = (text: string, head = '') =>
    `<html><head>${head}<title>${text.slice(0, 10)}</title></head><body><p>${text}</p></body></html>`;
  const cafe = 'Café – naïve “quotes” cost €5 in 1999';
  const japanese = 'エントロピーは孤立系では決して減少しない。';
  it.each([
    ['windows-1252, header only', iconv.encode(page(cafe), 'windows-1252'), 'text/html; charset=windows-1252', cafe],
    ['ISO-8859-1, header only', iconv.encode(page('Wärme'), 'latin1'), 'text/html; charset=ISO-8859-1', 'Wärme'],
    ['Shift_JIS, meta only', iconv.encode(page(japanese, '<meta charset="shift_jis">'), 'Shift_JIS'), 'text/html', japanese],
    ['Shift_JIS, header over a wrong meta', iconv.encode(page(japanese, '<meta charset="utf-8">'), 'Shift_JIS'), 'text/html; charset="Shift_JIS"', japanese],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page(japanese))]), 'text/html', japanese],
    ['UTF-8 without BOM or declaration', Buffer.from(page(cafe)), 'text/html', cafe],
    ['undeclared windows-1252', iconv.encode(page(cafe), 'windows-1252'), 'text/html', cafe],
  ])('%s', async (_, bytes, contentType, expected) => {
    const result = await extract(bytes, html(contentType));
    expect(result.text).toBe(expected);
  }); // prettier-ignore
});

describe('extract refuses what is not a document', () => {
  it.each([
    ['an unsupported media type', Buffer.from('{}'), 'application/json', {}, 'content-type'],
    ['no media type', Buffer.from('<p>x</p>'), '', {}, 'content-type'],
    ['a body over the limit', Buffer.alloc(2048, 'a'), 'text/plain', { maxBytes: 1024 }, 'too-large'],
    ['a page of furniture only', Buffer.from('<nav>Home</nav><footer>©</footer>'), 'text/html', {}, 'empty'],
    ['an empty body', Buffer.alloc(0), 'text/html', {}, 'empty'],
    ['whitespace', Buffer.from(' \n\t '), 'text/plain', {}, 'empty'],
  ])('%s', async (_, body, contentType, options, code) => {
    const attempt = extract(body, html(contentType), options);
    await expect(attempt).rejects.toBeInstanceOf(ExtractError);
    await expect(attempt).rejects.toMatchObject({ code, kind: 'permanent' });
  }); // prettier-ignore
});

describe('extract survives pathological HTML within the fetch limit (2 MiB)', () => {
  // In a process with acquire's heap (knative/base/acquire.yaml): whitespace collapsed with
  // `replace` kept a rope of ~90 bytes per word alive and ran such a heap out of memory.
  it.each([
    ['one paragraph', '<p>', 'The entropy of the universe grows. ', 59_000, '</p>'],
    ['many paragraphs', '', `<p>${'The entropy of the universe grows. '.repeat(30)}</p>`, 1_940, ''],
    ['many inline elements', '', '<span>entropy</span> <i>grows</i> ', 61_000, ''],
  ])('2 MiB of text as %s, in a 32 MiB heap', async (_, open, unit, copies, close) => {
    const page = `<html><head><title>Entropy</title></head><body>${open}${unit.repeat(copies)}${close}</body></html>`;
    expect(page.length).toBeGreaterThan(2_000_000);
    expect(page.length).toBeLessThan(2 * 1024 * 1024);
    const script = `
      const { extract } = await import(${JSON.stringify(new URL('./extract.ts', import.meta.url).href)});
      const page = ${JSON.stringify(page.slice(0, 100))} + ${JSON.stringify(unit)}.repeat(${copies - 10}) + ${JSON.stringify(page.slice(100 + unit.length * (copies - 10)))};
      if (page.length !== ${page.length}) throw new Error('not the page of the test');
      const r = await extract(Buffer.from(page), { contentType: 'text/html', url: 'https://e.example/' });
      console.log(r.text.length);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--max-old-space-size=32', '--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script],
    );
    expect(Number(stdout.trim())).toBeGreaterThan(700_000);
  }, 60_000); // prettier-ignore

  const deepText = '<p>deep &amp; meaningful &eacute;ntropy</p>';
  it.each([
    ['100 000 nested <div>s', `<html><body>${'<div>'.repeat(100_000)}${deepText}${'</div>'.repeat(100_000)}</body></html>`, 'flattened'],
    ['100 000 unclosed <b>s', `<html><body>${'<b>'.repeat(100_000)}${deepText}</body></html>`, 'flattened'],
    ['nesting just past the limit', `<html><body>${'<div>'.repeat(MAX_DOM_DEPTH + 1)}${deepText}</body></html>`, 'flattened'],
    ['nesting just within the limit', `<html><body>${'<div>'.repeat(MAX_DOM_DEPTH - 10)}${deepText}</body></html>`, undefined],
    ['120 000 elements', `<html><body>${'<span>x</span>'.repeat(120_000)}${deepText}</body></html>`, 'flattened'],
  ])('%s', async (_, page, method) => {
    expect(page.length).toBeLessThan(2 * 1024 * 1024);
    const result = await extract(Buffer.from(page), html());
    expect(result.text).toContain('deep & meaningful éntropy');
    if (method) expect(result.method).toBe(method);
  }, 60_000); // prettier-ignore

  it.each([
    ['nested too deep', `${'<div>'.repeat(MAX_READABILITY_DEPTH)}<p>${article[0]}</p>`],
    [
      'with too much nesting overall',
      `${'<div>'.repeat(60)}${`<p>${article[1]}</p>`.repeat(5_000)}`,
    ],
  ])(
    'a page %s for Readability uses the cleaned body',
    async (_, content) => {
      const page = `<html><body><nav>Home</nav>${content}<footer>©</footer></body></html>`;
      const result = await extract(Buffer.from(page), html());
      expect(result.method).toBe('body');
      expect(result.text).not.toMatch(/Home|©/);
    },
    60_000,
  );

  it('a page too large for Readability uses the cleaned body', async () => {
    const rows = '<p>Entropy measures the number of microstates.</p>'.repeat(
      MAX_READABILITY_ELEMENTS,
    );
    const page = `<html><body><nav>Home</nav>${rows}<footer>©</footer></body></html>`;
    const result = await extract(Buffer.from(page), html());
    expect(result.method).toBe('body');
    expect(result.text).not.toMatch(/Home|©/);
    expect(result.text.split('\n\n')).toHaveLength(MAX_READABILITY_ELEMENTS);
  }, 60_000);

  it.each([
    ['tags that never close', '<a ', 600_000],
    ['comments that never close', '<!--', 500_000],
  ])(
    '%s: nothing readable, found in linear time (8 times the input, at most 16 times the work)',
    async (_, unit, copies) => {
      const page = (text: string) => Buffer.from(text);
      // First, at a size where a quadratic scan still finishes (and fails here) in seconds: the
      // large page below would keep a regression busy for minutes.
      const { small, large, ratio } = await growth(unit, 5_000, (text) =>
        extract(page(text), html()).catch(() => undefined),
      );
      expect(ratio, `${small} → ${large}`).toBeLessThan(16);
      await expect(extract(page(unit.repeat(copies)), html())).rejects.toMatchObject({
        code: 'empty',
      });
    },
    60_000,
  );
});
