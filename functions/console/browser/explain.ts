import { ApiError } from './api';

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** What a refused or failed request says to the person who sent it. */
export function explain(err: unknown): string {
  if (err instanceof ApiError) {
    const retry = err.retryAfter === undefined ? '' : ` Try again in ${err.retryAfter} s.`;
    return `${err.status} ${err.title}: ${sentence(err.detail)}${retry}`;
  }
  return 'MultiVAC could not be reached; nothing was sent. Try again.';
}
