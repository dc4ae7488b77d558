/**
 * Deterministic pseudo-articles for benchmarks: `/generated/<n>.html`, about 5 KB each, the same
 * bytes for the same `n` on every run and machine. Page `n` is relevant exactly when
 * {@link isGeneratedRelevant}(n), i.e. when `n` is a multiple of 3 (0, 3, 6, …): a third of any
 * run of consecutive pages.
 */

import { mulberry32 } from '../support/random';

/** True for the generated pages about the question: every multiple of 3. */
export function isGeneratedRelevant(n: number): boolean {
  return n % 3 === 0;
}

/** Seeded by `n` (mixed first, so neighbouring pages differ), so pages are reproducible. */
const random = (seed: number) => mulberry32(seed ^ 0x9e3779b9);

/** Every relevant paragraph opens with one of these: each names entropy, the universe and reversal. */
const RELEVANT_OPENINGS = [
  'Whether the entropy of the universe could ever be reversed is one of the oldest questions in thermodynamics.',
  'No known process can reverse the growth of entropy in the universe as a whole, although local decreases are common.',
  'Physicists who ask how the entropy of the universe might be reversed usually start from the second law.',
  'To reverse the entropy of the universe one would have to undo every irreversible process since the Big Bang.',
  'Cosmologists have examined bounces, fluctuations and recurrences as ways the entropy of the universe might be reversed.',
  'The arrow of time points the way entropy grows, and reversing it for the whole universe would reverse that arrow.',
];

const RELEVANT_SENTENCES = [
  'The second law of thermodynamics says that the entropy of an isolated system never decreases.',
  "Boltzmann's formula relates entropy to the number of microstates that match a macrostate.",
  'A refrigerator lowers the entropy inside it only by releasing more entropy into the room.',
  'Living organisms export entropy to their surroundings and so keep their own order.',
  "Maxwell's demon appears to sort molecules for free until the cost of erasing its memory is counted.",
  "Landauer's principle sets the minimum heat released when one bit of information is erased.",
  'Fluctuation theorems give the probability that a small system briefly produces negative entropy.',
  'The Poincaré recurrence theorem promises a return to low entropy only after unimaginable times.',
  'The heat death of the universe is the state of maximum entropy in which no free energy remains.',
  'Black holes carry an entropy proportional to the area of their horizon.',
  'In a big bounce the entropy of the previous cycle is diluted rather than destroyed.',
  'The past hypothesis holds that the universe began in a state of very low entropy.',
  'Spin echo experiments reverse an apparent entropy increase in a small, isolated system.',
  'Statistical mechanics explains irreversible behaviour as the overwhelming likelihood of high-entropy states.',
  'A Boltzmann brain would be a fluctuation out of thermal equilibrium, far more likely than a whole low-entropy cosmos.',
  'Reversing the velocity of every molecule of a gas would make its entropy decrease for a while, as Loschmidt noted.',
];

interface Topic {
  readonly titles: readonly string[];
  readonly sentences: readonly string[];
}

/** Everyday topics; "reverse" and "heat" appear, but never with a second word of the question. */
const TOPICS: readonly Topic[] = [
  {
    titles: ['Weeknight pasta that never fails', 'Five sauces every cook should know'],
    sentences: [
      'Salt the pasta water generously, until it tastes like the sea.',
      'Keep a cup of the starchy cooking water to loosen the sauce at the end.',
      'Garlic burns quickly, so add it to the pan once the heat is lowered.',
      'Finish the pasta in the sauce for the last minute so it absorbs the flavour.',
      'A handful of grated cheese, stirred in off the heat, makes the sauce glossy.',
      'Fresh basil goes in at the very end, torn rather than chopped.',
      'Dried pasta from bronze dies has a rough surface that holds the sauce better.',
      'Leftovers reheat best with a splash of water in a covered pan.',
    ],
  },
  {
    titles: ['Planning a vegetable bed for spring', 'What to sow in a shady garden'],
    sentences: [
      'Most vegetables need at least six hours of sunlight a day.',
      'Dig in a thick layer of compost before sowing to feed the soil.',
      'Sow lettuce little and often for a steady harvest through the summer.',
      'Water in the early morning so the leaves dry before the heat of the day.',
      'Netting keeps pigeons off young brassicas.',
      'Rotate crops each year to reduce pests and diseases in the soil.',
      'Slugs are most active on damp evenings, so check the bed with a torch.',
      'Mulch between rows to hold moisture and keep weeds down.',
    ],
  },
  {
    titles: ['Three days in the mountains by train', 'A slow trip along the coast'],
    sentences: [
      'The regional trains are cheaper than the express and stop in every village.',
      'Book the first night and leave the rest of the trip open.',
      'Most guesthouses serve a hearty breakfast included in the price.',
      'Pack a light rain jacket, because the weather changes quickly in the valleys.',
      'The old town is best explored on foot before the day visitors arrive.',
      'Local markets are the cheapest place to buy lunch for a day of walking.',
      'Buses to the trailheads run only twice a day outside the summer season.',
      'A rail pass pays for itself after four or five long journeys.',
    ],
  },
  {
    titles: ['How our club won the league on the last day', 'Match report: a derby to remember'],
    sentences: [
      'The home side started brightly and took the lead after twelve minutes.',
      'A second goal before the break seemed to settle the match.',
      'The visitors changed formation at half-time and pressed much higher.',
      'The equaliser came from a corner that was only half cleared.',
      'The manager praised the energy of the substitutes in the closing stages.',
      'A late penalty was saved, and the crowd rose to applaud the goalkeeper.',
      'The result keeps the title race open with three games to play.',
      'Supporters stayed long after the final whistle to sing.',
    ],
  },
  {
    titles: ['Keeping an old car on the road', 'A beginner guide to servicing your bike'],
    sentences: [
      'Check the tyre pressures once a month and before long trips.',
      'Change the oil at the interval in the handbook, not when it looks dark.',
      'A squeal when braking usually means the pads are worn.',
      'If the reversing camera fogs up, the seal around it has probably failed.',
      'Keep the chain clean and lightly oiled to make it last.',
      'A torque wrench stops you from overtightening small bolts.',
      'Listen for new noises, which are often the first sign of a problem.',
      'Store the battery indoors over the winter if the vehicle stands unused.',
    ],
  },
];

/** A generated page: its title, paragraphs, and whether it is about the question. */
export interface GeneratedArticle {
  readonly n: number;
  readonly title: string;
  readonly relevant: boolean;
  readonly paragraphs: readonly string[];
}

const TARGET_TEXT_CHARS = 4300;

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** The article for page `n` (a non-negative integer). */
export function generatedArticle(n: number): GeneratedArticle {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad page number ${n}`);
  const next = random(n);
  const relevant = isGeneratedRelevant(n);
  const topic = pick(TOPICS, next);
  const title = relevant
    ? `${pick(['Notes on', 'Thinking about', 'A short essay on', 'Questions about'], next)} entropy and the universe, part ${n}`
    : `${pick(topic.titles, next)}, part ${n}`;
  const paragraphs: string[] = [];
  let chars = 0;
  while (chars < TARGET_TEXT_CHARS) {
    const sentences = relevant ? [pick(RELEVANT_OPENINGS, next)] : [];
    const bank = relevant ? RELEVANT_SENTENCES : topic.sentences;
    while (sentences.length < 4) sentences.push(pick(bank, next));
    const paragraph = sentences.join(' ');
    paragraphs.push(paragraph);
    chars += paragraph.length;
  }
  return { n, title, relevant, paragraphs };
}

/** The plain text of page `n`, as an extractor should deliver it (paragraphs by blank lines). */
export function generatedText(n: number): { title: string; text: string; relevant: boolean } {
  const article = generatedArticle(n);
  return {
    title: article.title,
    text: article.paragraphs.join('\n\n'),
    relevant: article.relevant,
  };
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HTML of page `n` (UTF-8), with a little boilerplate around the article. */
export function generatedHtml(n: number): string {
  const { title, paragraphs } = generatedArticle(n);
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} | Generated Gazette</title>
</head>
<body>
<div class="cookie-banner">This site uses cookies. <button>OK</button></div>
<nav><a href="/">Home</a> <a href="/generated/${n + 1}.html">Next</a></nav>
<article>
<h1>${escapeHtml(title)}</h1>
${body}
</article>
<aside class="related"><a href="/generated/${n + 2}.html">Related reading</a></aside>
<footer>Generated page ${n}. No rights reserved.</footer>
</body>
</html>
`;
}
