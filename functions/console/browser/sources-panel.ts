import type { Api, Source, SourceState } from './api';
import { fill, type Make } from './dom';
import { explain } from './explain';
import { poll, type Poller } from './poller';
import { pending, renderSources, STATES, summarize } from './sources-view';

const PAGE_SIZE = 100;
/** While pages are on their way or a job runs: often; otherwise now and then. */
const BUSY_POLL_MS = 2000;
const IDLE_POLL_MS = 15_000;

export interface SourcesPanel {
  element: HTMLElement;
  /** Reload now (after a feed, or when a job ends). */
  refresh(): void;
}

/**
 * The sources (`GET /multivac/data`) with their states and failure reasons, filtered by state,
 * a page at a time ("Show more" follows the cursor); every loaded page is reloaded on each poll.
 */
export function sourcesPanel(
  make: Make,
  doc: Document,
  api: Api,
  busy: () => boolean,
): SourcesPanel {
  const filter = make(
    'select',
    { id: 'source-filter' },
    make('option', { value: '' }, 'all'),
    ...STATES.map((state) => make('option', { value: state }, state)),
  );
  const refreshButton = make('button', { type: 'button', class: 'secondary' }, 'Refresh');
  const summary = make('p', { id: 'sources-summary', class: 'summary' });
  const list = make('ul', { id: 'source-list', class: 'source-list', tabindex: '-1' });
  const more = make('button', { type: 'button', class: 'secondary', hidden: true }, 'Show more');
  const error = make('p', { class: 'error', role: 'status' });

  let pages = 1;
  let items: Source[] = [];

  const load = async () => {
    const state = (filter.value || undefined) as SourceState | undefined;
    const loaded: Source[] = [];
    let cursor: string | undefined;
    let next: string | null = null;
    try {
      for (let page = 0; page < pages; page++) {
        const result = await api.sources({ state, cursor, limit: PAGE_SIZE });
        loaded.push(...result.items);
        next = result.next;
        if (next === null) break;
        cursor = next;
      }
    } catch (err) {
      fill(error, `Sources unavailable: ${explain(err)} Retrying.`);
      return;
    }
    fill(error);
    items = loaded;
    renderSources(make, list, items);
    fill(summary, summarize(items));
    const hadFocus = doc.activeElement === more;
    more.hidden = next === null;
    if (hadFocus && more.hidden) list.focus();
  };

  const poller: Poller = poll(doc, load, () =>
    pending(items) || busy() ? BUSY_POLL_MS : IDLE_POLL_MS,
  );
  filter.addEventListener('change', () => {
    pages = 1;
    poller.now();
  });
  refreshButton.addEventListener('click', () => poller.now());
  more.addEventListener('click', () => {
    pages += 1;
    poller.now();
  });

  const element = make(
    'section',
    { id: 'sources', class: 'panel', 'aria-labelledby': 'sources-heading' },
    make('h2', { id: 'sources-heading' }, 'Sources'),
    make(
      'div',
      { class: 'toolbar' },
      make('label', { for: 'source-filter' }, 'Show'),
      filter,
      refreshButton,
    ),
    summary,
    error,
    list,
    more,
  );
  return { element, refresh: () => poller.now() };
}
