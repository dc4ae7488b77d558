import type { Source, SourceState } from './api';
import { fill, type Make } from './dom';
import { linkTarget } from './safe-url';

export const STATES: readonly SourceState[] = ['requested', 'fetching', 'acquired', 'failed'];

/** Sources still on their way: while any is shown, the list refreshes often. */
export const pending = (items: readonly Source[]) =>
  items.some((s) => s.state === 'requested' || s.state === 'fetching');

/** "12 shown: 10 acquired, 1 failed, 1 fetching" (states in pipeline order, zeros left out). */
export function summarize(items: readonly Source[]): string {
  if (items.length === 0) return 'No sources yet: feed a page above.';
  const counts = STATES.map((state) => [state, items.filter((s) => s.state === state).length])
    .filter(([, n]) => n !== 0)
    .map(([state, n]) => `${n} ${state}`);
  return `${items.length} shown: ${counts.join(', ')}.`;
}

function sourceItem(make: Make, source: Source): HTMLLIElement {
  const href = source.kind === 'url' ? linkTarget(source.url) : undefined;
  const label = source.title?.trim() || source.url || source.id;
  return make(
    'li',
    { class: 'source', 'data-state': source.state },
    make(
      'div',
      { class: 'source-head' },
      href
        ? make(
            'a',
            { class: 'source-title', href, rel: 'noopener noreferrer', target: '_blank' },
            label,
          )
        : make('span', { class: 'source-title' }, label),
      make('span', { class: 'state', 'data-state': source.state }, source.state),
    ),
    source.title && source.url ? make('div', { class: 'url' }, source.url) : null,
    source.reason ? make('p', { class: 'reason' }, source.reason) : null,
  );
}

/** Shows `items` in `list`, every value as text. */
export function renderSources(make: Make, list: HTMLElement, items: readonly Source[]): void {
  fill(list, ...items.map((source) => sourceItem(make, source)));
}
