import { answerPanel } from './answer-panel';
import { createApi, type Api } from './api';
import { fill, maker } from './dom';
import { feedForm } from './feed-form';
import { learnPanel } from './learn-panel';
import { sourcesPanel } from './sources-panel';

/** After a feed the list refreshes often for this long, to show the page being fetched. */
const AFTER_FEED_MS = 30_000;

/**
 * Builds the console into the page's `<main>` and starts following the answer, the sources and
 * any job started here.
 */
export function startConsole(doc: Document, api: Api = createApi()): void {
  const main = doc.getElementById('main');
  if (!main) throw new Error('the console page has no <main id="main">');
  const make = maker(doc);

  const announcer = make('p', { id: 'announcer', class: 'visually-hidden', 'aria-live': 'polite' });
  const announce = (message: string) => fill(announcer, message);

  let fedAt = 0;
  const answer = answerPanel(make, doc, api, announce);
  const learn = learnPanel(make, doc, api, () => {
    answer.refresh();
    sources.refresh();
  });
  const sources = sourcesPanel(
    make,
    doc,
    api,
    () => learn.active() || Date.now() - fedAt < AFTER_FEED_MS,
  );
  const feed = feedForm(make, api, () => {
    fedAt = Date.now();
    sources.refresh();
  });

  main.replaceChildren(
    make(
      'div',
      { class: 'layout' },
      answer.element,
      make('div', { class: 'actions' }, feed, learn.element),
      sources.element,
    ),
    announcer,
  );
}
