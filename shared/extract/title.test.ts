import { describe, expect, it } from 'vitest';
import { extract } from './extract';
import { bestTitle, stripSiteName } from './title';

const hints = (title: string, ogTitle = '', siteNames: string[] = []) => ({
  title,
  ogTitle,
  siteNames,
});

describe('stripSiteName', () => {
  it.each([
    ['Second law of thermodynamics - Physipedia', 'Second law of thermodynamics'],
    ['What entropy really measures | The Entropic Review', 'What entropy really measures'],
    ['Why does time have an arrow? « Thermal Musings', 'Why does time have an arrow?'],
    ['A long weekend in Lisbon – Wandering Plates', 'A long weekend in Lisbon'],
    ['Cable-knit beanie: a free pattern — Purl & Thread', 'Cable-knit beanie: a free pattern'],
    ['Entropy and information :: Notes', 'Entropy and information'],
    ['Entropy and information · Notes', 'Entropy and information'],
    ['PHYS 342 - Notes 9: Landauer and reversible computing', 'Notes 9: Landauer and reversible computing'],
    ['Big Bounce - Physipedia', 'Big Bounce - Physipedia'],
    ['Harbour City beat Rovers 3-2', 'Harbour City beat Rovers 3-2'],
    ['Entropy', 'Entropy'],
  ])('%s → %s', (title, stripped) => {
    expect(stripSiteName(title, [])).toBe(stripped);
  }); // prettier-ignore

  it('takes known site names off either end first', () => {
    expect(stripSiteName('Physipedia | Big Bounce', ['Physipedia'])).toBe('Big Bounce');
    expect(stripSiteName('Big Bounce | Physics | Physipedia', ['physipedia'])).toBe(
      'Big Bounce | Physics',
    );
  });
});

describe('bestTitle', () => {
  it('is the h1 when a title contains it, site name before or after', () => {
    expect(bestTitle(hints('Big Bounce - Physipedia, the free physics encyclopedia'), ['Big Bounce'])).toBe('Big Bounce');
    expect(bestTitle(hints('Physipedia | Big Bounce'), ['Big Bounce'])).toBe('Big Bounce');
    expect(bestTitle(hints('PHYS 342 - Notes 9: Entropy'), ['Entropy'])).toBe('Entropy');
    expect(bestTitle(hints('Title – Site', 'Title'), ['Title'])).toBe('Title');
  }); // prettier-ignore

  it('keeps the h1 as written, and prefers the longest h1 a title contains', () => {
    expect(bestTitle(hints('Schrödinger’s cat – Blog'), ['Schrödinger’s cat'])).toBe(
      'Schrödinger’s cat',
    );
    expect(
      bestTitle(hints('Site - The long article title'), ['Site', 'The long article title']),
    ).toBe('The long article title');
  });

  it('is the h1 when the title is only the site name', () => {
    expect(bestTitle(hints('Physipedia', '', ['Physipedia']), ['Big Bounce'])).toBe('Big Bounce');
    expect(bestTitle(hints('Physipedia'), ['Big Bounce'])).toBe('Big Bounce');
  });

  it('is og:title, then <title>, without the site name, when no h1 matches', () => {
    expect(bestTitle(hints('Heat death of the universe | Blog', 'The heat death'), [])).toBe(
      'The heat death',
    );
    expect(bestTitle(hints('Heat death of the universe | Blog'), ['Comments'])).toBe(
      'Heat death of the universe',
    );
    expect(bestTitle(hints(''), ['Heat death'])).toBe('Heat death');
    expect(bestTitle(hints(''), [])).toBe('');
  });
});

describe('extract titles and headings', () => {
  const url = 'https://wiki.example/Big_Bounce';
  const page = (head: string, body: string) =>
    Buffer.from(`<html><head>${head}</head><body>${body}</body></html>`);
  const paragraph =
    '<p>The Big Bounce is a family of hypotheses in which the universe contracts to a small size and then expands again, with the entropy of the previous cycle diluted rather than destroyed.</p>';

  it('uses the h1 when <title> is only the site name', async () => {
    const result = await extract(
      page(
        '<title>Physipedia</title><meta property="og:site_name" content="Physipedia">',
        `<div id="top"><a class="logo" href="/">Physipedia</a></div><div id="content"><h1>Big Bounce</h1>${paragraph}</div>`,
      ),
      { contentType: 'text/html', url },
    );
    expect(result.title).toBe('Big Bounce');
  });

  it('ignores an h1 that is only the site logo', async () => {
    const result = await extract(
      page(
        '<title>Big Bounce cosmology explained - Physipedia</title>',
        `<div id="header"><h1><a href="/">Physipedia</a></h1></div><div>${paragraph}</div>`,
      ),
      { contentType: 'text/html', url },
    );
    expect(result.title).toBe('Big Bounce cosmology explained');
  });

  it('drops edit links, MediaWiki and bare, with their brackets', async () => {
    const result = await extract(
      page(
        '<title>Big Bounce - Physipedia</title>',
        `<div id="content"><h1>Big Bounce</h1>
        <h2>Models<span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/w/index.php?title=Big_Bounce&amp;action=edit&amp;section=1">edit</a><span class="mw-editsection-bracket">]</span></span></h2>
        ${paragraph}
        <h2>Status [<a href="/wiki/Big_Bounce/edit?section=2">edit</a>]</h2>${paragraph}
        <h3>Outlook [edit]</h3>${paragraph}
        <div class="toc"><h2>Contents</h2><ol><li><a href="#Models">Models</a></li></ol></div>
        <p>You can edit the parameters of the model in the <a href="/sim">simulator</a>, which lets readers vary the density of the contracting phase and watch the bounce.</p></div>`,
      ),
      { contentType: 'text/html', url },
    );
    expect(result.text).not.toMatch(/\[|\]|Contents/);
    expect(result.text.split('\n\n')).toEqual(expect.arrayContaining(['Models', 'Status', 'Outlook']));
    expect(result.text).toContain('You can edit the parameters');
  }); // prettier-ignore
});
