import type { Api } from './api';
import { fill, type Make } from './dom';
import { explain } from './explain';

/**
 * The form that feeds one URL (`PUT /multivac/data`). The server validates (the form does not, so
 * every refusal reads the same); a refusal keeps what was typed and says why.
 */
export function feedForm(make: Make, api: Api, onFed: () => void): HTMLElement {
  const input = make('input', {
    id: 'feed-url',
    name: 'url',
    type: 'url',
    inputmode: 'url',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'https://example.org/article',
    'aria-describedby': 'feed-hint feed-error',
  });
  const button = make('button', { type: 'submit' }, 'Feed');
  const status = make('p', { id: 'feed-status', class: 'status', role: 'status' });
  const error = make('p', { id: 'feed-error', class: 'error', role: 'alert' });
  const form = make(
    'form',
    { id: 'feed-form', novalidate: true },
    make('label', { for: 'feed-url' }, 'Page address'),
    make('div', { class: 'field-row' }, input, button),
    make(
      'p',
      { id: 'feed-hint', class: 'hint' },
      'MultiVAC fetches the page, keeps its main text and learns from it with the next job.',
    ),
  );

  let busy = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    form.setAttribute('aria-busy', 'true');
    const url = input.value.trim();
    void api
      .feed(url)
      .then(({ status: code, source }) => {
        fill(error);
        input.removeAttribute('aria-invalid');
        input.value = '';
        fill(
          status,
          code === 200 ? 'Already learned: ' : 'Queued for fetching: ',
          make('span', { class: 'url' }, source.url || url),
        );
        onFed();
      })
      .catch((err: unknown) => {
        fill(status);
        fill(error, explain(err));
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      })
      .finally(() => {
        busy = false;
        form.removeAttribute('aria-busy');
      });
  });

  return make(
    'section',
    { id: 'feed', class: 'panel', 'aria-labelledby': 'feed-heading' },
    make('h2', { id: 'feed-heading' }, 'Feed a page'),
    form,
    status,
    error,
  );
}
