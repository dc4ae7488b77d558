/**
 * The test corpus: pages written for MultiVAC (original prose), kept as UTF-8 files under
 * `pages/` and transcoded on the fly by the corpus server into the charset each entry names.
 */

/** Charsets as they are labelled on the wire. */
export type CorpusCharset = 'UTF-8' | 'windows-1252' | 'ISO-8859-1' | 'Shift_JIS' | 'EUC-JP';

/**
 * Where a page's charset is declared: in the `Content-Type` header only, in a `<meta>` tag only,
 * in both, or by a UTF-8 byte-order mark alone (no header parameter, no meta).
 */
export type CharsetDeclaration = 'header' | 'meta' | 'both' | 'bom';

export interface CorpusEntry {
  /** File name under `pages/`; served at `/pages/<file>`. `.html` is HTML, `.txt` plain text. */
  readonly file: string;
  /** The article's title (what an extractor should find, without the site name). */
  readonly title: string;
  /** True when the page has real substance on the question; false for everything else. */
  readonly relevant: boolean;
  readonly charset: CorpusCharset;
  readonly declared: CharsetDeclaration;
  /** UTF-8 only: the server prefixes a byte-order mark. */
  readonly bom?: boolean;
  /** HTML only: CSS selector of the element holding the article (see `text.ts`). */
  readonly content?: string;
}

export const CORPUS: readonly CorpusEntry[] = Object.freeze([
  // Relevant pages.
  {
    file: 'entropy-explained.html',
    title: 'What entropy really measures',
    relevant: true,
    charset: 'UTF-8',
    declared: 'header',
    content: 'article.story',
  },
  {
    file: 'second-law.html',
    title: 'Second law of thermodynamics',
    relevant: true,
    charset: 'windows-1252',
    declared: 'meta',
    content: '#article-body',
  },
  {
    file: 'heat-death.html',
    title: 'The heat death of the universe, explained',
    relevant: true,
    charset: 'UTF-8',
    declared: 'bom',
    bom: true,
    content: 'div.post-content',
  },
  {
    file: 'maxwells-demon.html',
    title: "Maxwell's demon and the price of information",
    relevant: true,
    charset: 'ISO-8859-1',
    declared: 'header',
    content: 'div.entry-content',
  },
  {
    file: 'fluctuation-theorems.html',
    title: 'Fluctuation theorems: when entropy runs backwards, briefly',
    relevant: true,
    charset: 'UTF-8',
    declared: 'meta',
    content: 'article.story',
  },
  {
    file: 'big-bounce.html',
    title: 'Big Bounce',
    relevant: true,
    charset: 'windows-1252',
    declared: 'header',
    content: '#article-body',
  },
  {
    file: 'landauer-principle.html',
    title: "Landauer's principle and reversible computing",
    relevant: true,
    charset: 'UTF-8',
    declared: 'meta',
    content: 'td.notes',
  },
  {
    file: 'arrow-of-time.html',
    title: 'Why does time have an arrow?',
    relevant: true,
    charset: 'ISO-8859-1',
    declared: 'meta',
    content: 'div.entry-content',
  },
  {
    file: 'poincare-recurrence.html',
    title: 'Poincaré recurrence theorem',
    relevant: true,
    charset: 'UTF-8',
    declared: 'both',
    content: '#article-body',
  },
  {
    file: 'negentropy-life.html',
    title: "Does life reverse entropy? Schrödinger's negentropy",
    relevant: true,
    charset: 'windows-1252',
    declared: 'meta',
    content: 'div.post-content',
  },
  {
    file: 'boltzmann-brains.html',
    title: 'Boltzmann brains and the trouble with fluctuations',
    relevant: true,
    charset: 'UTF-8',
    declared: 'header',
    content: 'article.story',
  },
  {
    file: 'black-hole-entropy.html',
    title: 'Black holes have entropy too',
    relevant: true,
    charset: 'UTF-8',
    declared: 'meta',
    bom: true,
    content: 'div.entry-content',
  },
  {
    file: 'can-entropy-be-reversed.html',
    title: 'Can entropy be reversed? What physics actually says',
    relevant: true,
    charset: 'UTF-8',
    declared: 'header',
    content: 'div.post-content',
  },
  {
    file: 'entropy-japanese-notes.html',
    title: 'エントロピーと時間の矢 (Entropy and the arrow of time)',
    relevant: true,
    charset: 'Shift_JIS',
    declared: 'meta',
    content: 'div#honbun',
  },
  {
    file: 'lecture-entropy-probability.txt',
    title: 'Lecture 12: Entropy, probability and the direction of time',
    relevant: true,
    charset: 'UTF-8',
    declared: 'header',
  },
  {
    file: 'spin-echo-notes.txt',
    title: 'Notes on spin echoes and Loschmidt echoes',
    relevant: true,
    charset: 'ISO-8859-1',
    declared: 'header',
  },
  // Irrelevant pages; the first few use "heat", "energy", "order", "reverse" in everyday senses.
  {
    file: 'kitchen-heat.html',
    title: 'Mastering heat in the kitchen: searing, simmering and the reverse sear',
    relevant: false,
    charset: 'UTF-8',
    declared: 'header',
    content: 'div.recipe-article',
  },
  {
    file: 'tidy-room.html',
    title: 'Order from disorder: tidy your room in twenty minutes',
    relevant: false,
    charset: 'windows-1252',
    declared: 'meta',
    content: 'div.post-content',
  },
  {
    file: 'reverse-gear.html',
    title: "Car won't go into reverse? Causes and fixes",
    relevant: false,
    charset: 'ISO-8859-1',
    declared: 'meta',
    content: 'div.entry-content',
  },
  {
    file: 'home-energy.html',
    title: 'Ten ways to cut your heating bill this winter',
    relevant: false,
    charset: 'UTF-8',
    declared: 'header',
    content: 'article.story',
  },
  {
    file: 'reversed-sicilian.html',
    title: 'The Reversed Sicilian: playing 1.c4 e5 with colours reversed',
    relevant: false,
    charset: 'windows-1252',
    declared: 'meta',
    content: 'div.entry-content',
  },
  {
    file: 'film-review-backwards.html',
    title: "Review: 'Backwards' rewinds the heist movie, then runs out of steam",
    relevant: false,
    charset: 'UTF-8',
    declared: 'header',
    content: 'div.post-content',
  },
  {
    file: 'football-report.html',
    title: 'Harbour City come from behind to beat Rovers 3-2',
    relevant: false,
    charset: 'ISO-8859-1',
    declared: 'header',
    content: '#article-body',
  },
  {
    file: 'hot-composting.html',
    title: 'Hot composting: getting your heap up to temperature',
    relevant: false,
    charset: 'UTF-8',
    declared: 'meta',
    content: 'div.entry-content',
  },
  {
    file: 'lisbon-weekend.html',
    title: 'A long weekend in Lisbon',
    relevant: false,
    charset: 'windows-1252',
    declared: 'header',
    content: 'div.post-content',
  },
  {
    file: 'cable-beanie.html',
    title: 'Cable-knit beanie: a free pattern for beginners',
    relevant: false,
    charset: 'UTF-8',
    declared: 'meta',
    bom: true,
    content: 'div.entry-content',
  },
  {
    file: 'sourdough-starter.html',
    title: 'How to keep a sourdough starter alive',
    relevant: false,
    charset: 'UTF-8',
    declared: 'meta',
    content: 'div.recipe-article',
  },
  {
    file: 'marathon-plan.html',
    title: 'Sixteen weeks to your first marathon',
    relevant: false,
    charset: 'ISO-8859-1',
    declared: 'header',
    content: 'article.story',
  },
  {
    file: 'spring-migration.html',
    title: 'Spring migration: a weekend of birding on the coast',
    relevant: false,
    charset: 'UTF-8',
    declared: 'both',
    content: 'div.entry-content',
  },
  {
    file: 'coffee-brewing.html',
    title: 'Pour-over coffee at home: grind, water and timing',
    relevant: false,
    charset: 'windows-1252',
    declared: 'header',
    content: 'div.recipe-article',
  },
  {
    file: 'tokyo-ramen.html',
    title: '東京ラーメン案内 (A ramen guide to Tokyo)',
    relevant: false,
    charset: 'EUC-JP',
    declared: 'header',
    content: 'div#honbun',
  },
  {
    file: 'hiking-packing-list.txt',
    title: 'Packing list for a three-day hut hike',
    relevant: false,
    charset: 'windows-1252',
    declared: 'header',
  },
]);
